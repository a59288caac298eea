// Strided-batched products too thin for a tiled GEMM: one row of C per
// matrix (m = 1) or a rank-one update (k = 1). Matrices are row-major;
// matrix s of an operand starts at offset + s * stride, and a stride of 0
// shares one matrix across the batch. Sizes, offsets, leading dimensions
// and strides are in elements. Each work-group computes one matrix of C, so
// the host launches batch work-groups of any size. With beta = 0, C is not
// read, so NaN there does not spread.

// c[s] = alpha * a[s] * op(B[s]) + beta * c[s] for the 1 x k row a[s] and
// the 1 x n row c[s]; op(B) is k x n. Element p of a row A that is stored
// transposed (k x 1) lies p * a_step apart. When n is below the local size,
// several work-items share a column, each summing every parts-th term, and
// scratch (one float per work-item) adds their partial sums.
__kernel void batched_gemm_row(const uint batch, const uint n, const uint k,
                               const float alpha, const float beta, const int trans_b,
                               __global const float *a, const uint a_offset, const uint a_step,
                               const uint a_stride,
                               __global const float *b, const uint b_offset, const uint ldb,
                               const uint b_stride,
                               __global float *c, const uint c_offset, const uint c_stride,
                               __local float *scratch)
{
    const uint s = get_group_id(0);
    if (s >= batch)
        return;
    const uint lid = get_local_id(0);
    const uint size = get_local_size(0);
    const uint lanes = n < size ? n : size;
    const uint parts = size / lanes;
    const uint lane = lid % lanes;
    const uint part = lid / lanes;

    __global const float *a_row = a + a_offset + s * a_stride;
    __global const float *b_matrix = b + b_offset + s * b_stride;
    __global float *c_row = c + c_offset + s * c_stride;

    // op(B)[p, col] lies at b_col[p * b_step].
    const uint b_step = trans_b ? 1 : ldb;
    if (parts == 1) {
        for (uint col = lid; col < n; col += size) {
            __global const float *b_col = b_matrix + (trans_b ? col * ldb : col);
            float sum = 0.0f;
            for (uint p = 0; p < k; p++)
                sum += a_row[p * a_step] * b_col[p * b_step];
            c_row[col] = beta == 0.0f ? alpha * sum : alpha * sum + beta * c_row[col];
        }
        return;
    }

    // Every work-item runs the same iterations, so all of them reach each
    // barrier.
    for (uint first = 0; first < n; first += lanes) {
        const uint col = first + lane;
        float sum = 0.0f;
        if (col < n && part < parts) {
            __global const float *b_col = b_matrix + (trans_b ? col * ldb : col);
            for (uint p = part; p < k; p += parts)
                sum += a_row[p * a_step] * b_col[p * b_step];
        }
        scratch[lid] = sum;
        barrier(CLK_LOCAL_MEM_FENCE);
        if (col < n && part == 0) {
            float total = 0.0f;
            for (uint q = 0; q < parts; q++)
                total += scratch[q * lanes + lane];
            c_row[col] = beta == 0.0f ? alpha * total : alpha * total + beta * c_row[col];
        }
        barrier(CLK_LOCAL_MEM_FENCE);
    }
}

// C[s] = alpha * x[s] * y[s] + beta * C[s] for the m x n matrix C[s], where
// x[s] (the column op(A), m x 1) has element i at x_step * i and y[s] (the
// row op(B), 1 x n) has element j at y_step * j.
__kernel void batched_outer(const uint batch, const uint m, const uint n,
                            const float alpha, const float beta,
                            __global const float *x, const uint x_offset, const uint x_step,
                            const uint x_stride,
                            __global const float *y, const uint y_offset, const uint y_step,
                            const uint y_stride,
                            __global float *c, const uint c_offset, const uint ldc,
                            const uint c_stride)
{
    const uint s = get_group_id(0);
    if (s >= batch)
        return;
    __global const float *x_s = x + x_offset + s * x_stride;
    __global const float *y_s = y + y_offset + s * y_stride;
    for (uint row = get_local_id(0); row < m; row += get_local_size(0)) {
        const float scaled = alpha * x_s[row * x_step];
        __global float *c_row = c + c_offset + s * c_stride + row * ldc;
        for (uint col = 0; col < n; col++) {
            const float product = scaled * y_s[col * y_step];
            c_row[col] = beta == 0.0f ? product : product + beta * c_row[col];
        }
    }
}
