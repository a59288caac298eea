// Elementwise kernels. Sizes and offsets are in elements; every kernel
// ignores work-items at or above n, because launches round n up.

// x[i] = value for i < n.
__kernel void fill(const uint n, __global float *x, const uint x_offset, const float value)
{
    const uint i = get_global_id(0);
    if (i < n)
        x[x_offset + i] = value;
}

// out[r, c] = x[r, c] + bias[c] for an [n / cols, cols] matrix.
__kernel void add_bias(const uint n, const uint cols,
                       __global const float *x, const uint x_offset,
                       __global const float *bias, const uint bias_offset,
                       __global float *out, const uint out_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        out[out_offset + i] = x[x_offset + i] + bias[bias_offset + i % cols];
}

// y = max(x, 0).
__kernel void relu_forward(const uint n, __global const float *x, const uint x_offset,
                           __global float *y, const uint y_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        y[y_offset + i] = fmax(x[x_offset + i], 0.0f);
}

// dx += dy where the output y is positive. NaN inputs propagate through y.
__kernel void relu_backward(const uint n, __global const float *y, const uint y_offset,
                            __global const float *dy, const uint dy_offset,
                            __global float *dx, const uint dx_offset)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const float out = y[y_offset + i];
        const float g = dy[dy_offset + i];
        dx[dx_offset + i] += out > 0.0f ? g : (isnan(out) ? out : 0.0f);
    }
}

// dst += src.
__kernel void accumulate(const uint n, __global const float *src, const uint src_offset,
                         __global float *dst, const uint dst_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        dst[dst_offset + i] += src[src_offset + i];
}

// out[r, c] = a[a_offset + r * a_ld + c] + b[b_offset + r * b_ld + c] for a
// [rows, cols] sum written contiguously into out; n = rows * cols.
__kernel void add_rows(const uint n, const uint cols,
                       __global const float *a, const uint a_offset, const uint a_ld,
                       __global const float *b, const uint b_offset, const uint b_ld,
                       __global float *out, const uint out_offset)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const uint r = i / cols, c = i % cols;
        out[out_offset + i] = a[a_offset + r * a_ld + c] + b[b_offset + r * b_ld + c];
    }
}

// dst[r, c] += src[r, c] for [rows, cols] matrices with row strides src_ld and
// dst_ld; n = rows * cols. Rows of dst must not overlap.
__kernel void accumulate_rows(const uint n, const uint cols,
                              __global const float *src, const uint src_offset, const uint src_ld,
                              __global float *dst, const uint dst_offset, const uint dst_ld)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const uint r = i / cols, c = i % cols;
        dst[dst_offset + r * dst_ld + c] += src[src_offset + r * src_ld + c];
    }
}

// y = tanh(x).
__kernel void tanh_forward(const uint n, __global const float *x, const uint x_offset,
                           __global float *y, const uint y_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        y[y_offset + i] = tanh(x[x_offset + i]);
}

// dx += dy * (1 - y^2), from the output y = tanh(x).
__kernel void tanh_backward(const uint n, __global const float *y, const uint y_offset,
                            __global const float *dy, const uint dy_offset,
                            __global float *dx, const uint dx_offset)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const float out = y[y_offset + i];
        dx[dx_offset + i] += dy[dy_offset + i] * (1.0f - out * out);
    }
}

// y = 1 / (1 + exp(-x)), written so that exp never overflows.
__kernel void sigmoid_forward(const uint n, __global const float *x, const uint x_offset,
                              __global float *y, const uint y_offset)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const float v = x[x_offset + i];
    const float e = exp(-fabs(v));
    y[y_offset + i] = v >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
}

// dx += dy * y * (1 - y), from the output y = sigmoid(x).
__kernel void sigmoid_backward(const uint n, __global const float *y, const uint y_offset,
                               __global const float *dy, const uint dy_offset,
                               __global float *dx, const uint dx_offset)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const float out = y[y_offset + i];
        dx[dx_offset + i] += dy[dy_offset + i] * out * (1.0f - out);
    }
}

// y = x where x > 0, slope * x elsewhere.
__kernel void leaky_relu_forward(const uint n, __global const float *x, const uint x_offset,
                                 __global float *y, const uint y_offset, const float slope)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const float v = x[x_offset + i];
        y[y_offset + i] = v > 0.0f ? v : slope * v;
    }
}

// dx += dy where x > 0, slope * dy elsewhere; reads the input x, because a
// negative slope would make the sign of y ambiguous.
__kernel void leaky_relu_backward(const uint n, __global const float *x, const uint x_offset,
                                  __global const float *dy, const uint dy_offset,
                                  __global float *dx, const uint dx_offset, const float slope)
{
    const uint i = get_global_id(0);
    if (i < n) {
        const float g = dy[dy_offset + i];
        dx[dx_offset + i] += x[x_offset + i] > 0.0f ? g : slope * g;
    }
}

// out[i] = (float)labels[i], for losses that take float targets.
__kernel void int_to_float(const uint n, __global const int *labels, const uint labels_offset,
                           __global float *out, const uint out_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        out[out_offset + i] = (float)labels[labels_offset + i];
}

// out[r, c] = row[c] for an [n / cols, cols] matrix.
__kernel void broadcast_row(const uint n, const uint cols,
                            __global const float *row, const uint row_offset,
                            __global float *out, const uint out_offset)
{
    const uint i = get_global_id(0);
    if (i < n)
        out[out_offset + i] = row[row_offset + i % cols];
}

// out[r, c] = max(x[r, c] + bias[c], 0) for a [rows, cols] matrix, one
// work-item per row, so that no work-item divides to find its column.
__kernel void add_bias_relu(const uint rows, const uint cols,
                            __global const float *x, const uint x_offset,
                            __global const float *bias, const uint bias_offset,
                            __global float *out, const uint out_offset)
{
    const uint r = get_global_id(0);
    if (r >= rows)
        return;
    __global const float *x_row = x + x_offset + r * cols;
    __global const float *b = bias + bias_offset;
    __global float *out_row = out + out_offset + r * cols;
    for (uint c = 0; c < cols; c++)
        out_row[c] = fmax(x_row[c] + b[c], 0.0f);
}
