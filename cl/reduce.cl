// Reductions.

// out[c] += sum over r of x[r, c] for a [rows, cols] matrix; one work-item
// per column.
__kernel void column_sum_accumulate(const uint rows, const uint cols,
                                    __global const float *x, const uint x_offset,
                                    __global float *out, const uint out_offset)
{
    const uint c = get_global_id(0);
    if (c >= cols)
        return;
    float sum = 0.0f;
    for (uint r = 0; r < rows; r++)
        sum += x[x_offset + r * cols + c];
    out[out_offset + c] += sum;
}

// out[0] = scale * sum of x[0..n) in one work-group; scratch has room for one float
// per work-item and the local size is a power of two.
__kernel void sum_scaled(const uint n, __global const float *x, const uint x_offset,
                         __global float *out, const uint out_offset, const float scale,
                         __local float *scratch)
{
    const uint lid = get_local_id(0);
    const uint size = get_local_size(0);
    float sum = 0.0f;
    for (uint i = lid; i < n; i += size)
        sum += x[x_offset + i];
    scratch[lid] = sum;
    barrier(CLK_LOCAL_MEM_FENCE);

    for (uint step = size / 2; step > 0; step /= 2) {
        if (lid < step)
            scratch[lid] += scratch[lid + step];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    if (lid == 0)
        out[out_offset] = scratch[0] * scale;
}

// out[c] += sum over r of g[r, c], the bias gradient of y = max(x + bias, 0)
// for a [rows, cols] matrix, where g = dy where y is positive, NaN where y
// is NaN and 0 elsewhere, as in relu_backward; one work-item per column.
// NOTE: on PoCL's CPU device this runs about four times longer than
// column_sum_accumulate on the same matrix.
__kernel void relu_column_sum_accumulate(const uint rows, const uint cols,
                                         __global const float *y, const uint y_offset,
                                         __global const float *dy, const uint dy_offset,
                                         __global float *out, const uint out_offset)
{
    const uint c = get_global_id(0);
    if (c >= cols)
        return;
    float sum = 0.0f;
    for (uint r = 0; r < rows; r++) {
        const float value = y[y_offset + r * cols + c];
        const float grad = dy[dy_offset + r * cols + c];
        sum += value > 0.0f ? grad : (isnan(value) ? value : 0.0f);
    }
    out[out_offset + c] += sum;
}
