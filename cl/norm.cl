// Batch normalisation of x [rows, features], one work-item per feature for
// statistics and one per element for the normalisation itself. Optional
// tensors (weight, bias, running statistics) come with a flag; when the
// flag is 0 the kernel never reads the buffer, so callers may pass any.

// Training statistics: mean[f] and invstd[f] = 1 / sqrt(biased var + eps).
// With update_running, running_mean and running_var move towards the batch
// mean and the unbiased variance by momentum, and work-item 0 adds one to
// num_batches_tracked when count_batches is set.
__kernel void batch_norm_batch_stats(const uint rows, const uint features,
                                     __global const float *x, const uint x_offset,
                                     __global float *mean, __global float *invstd,
                                     const float eps, const float momentum,
                                     const int update_running,
                                     __global float *running_mean, const uint rm_offset,
                                     __global float *running_var, const uint rv_offset,
                                     const int count_batches,
                                     __global int *num_batches_tracked, const uint nbt_offset)
{
    const uint f = get_global_id(0);
    if (f >= features)
        return;
    __global const float *column = x + x_offset + f;

    float sum = 0.0f;
    for (uint r = 0; r < rows; r++)
        sum += column[r * features];
    const float m = sum / (float)rows;

    // A second pass over the centred values keeps the variance accurate
    // when the mean is large.
    float squares = 0.0f;
    for (uint r = 0; r < rows; r++) {
        const float d = column[r * features] - m;
        squares += d * d;
    }
    const float var = squares / (float)rows;
    mean[f] = m;
    invstd[f] = 1.0f / sqrt(var + eps);

    if (update_running) {
        const float unbiased = squares / (float)(rows - 1);
        running_mean[rm_offset + f] = (1.0f - momentum) * running_mean[rm_offset + f] + momentum * m;
        running_var[rv_offset + f] = (1.0f - momentum) * running_var[rv_offset + f] + momentum * unbiased;
    }
    if (count_batches && f == 0)
        num_batches_tracked[nbt_offset] += 1;
}

// Evaluation statistics: mean[f] = running_mean[f] and
// invstd[f] = 1 / sqrt(running_var[f] + eps).
__kernel void batch_norm_running_stats(const uint features,
                                       __global const float *running_mean, const uint rm_offset,
                                       __global const float *running_var, const uint rv_offset,
                                       const float eps, __global float *mean,
                                       __global float *invstd)
{
    const uint f = get_global_id(0);
    if (f < features) {
        mean[f] = running_mean[rm_offset + f];
        invstd[f] = 1.0f / sqrt(running_var[rv_offset + f] + eps);
    }
}

// y = (x - mean) * invstd * weight + bias for n = rows * features values.
__kernel void batch_norm_forward(const uint n, const uint features,
                                 __global const float *x, const uint x_offset,
                                 __global const float *mean, __global const float *invstd,
                                 const int affine,
                                 __global const float *weight, const uint weight_offset,
                                 __global const float *bias, const uint bias_offset,
                                 __global float *y, const uint y_offset)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const uint f = i % features;
    float v = (x[x_offset + i] - mean[f]) * invstd[f];
    if (affine)
        v = v * weight[weight_offset + f] + bias[bias_offset + f];
    y[y_offset + i] = v;
}

// Per feature: sum_dy[f] = sum of dy and sum_dy_xhat[f] = sum of dy * xhat,
// where xhat = (x - mean) * invstd. The affine gradients are these sums:
// dweight += sum_dy_xhat and dbias += sum_dy when their flags are set.
__kernel void batch_norm_backward_sums(const uint rows, const uint features,
                                       __global const float *x, const uint x_offset,
                                       __global const float *dy, const uint dy_offset,
                                       __global const float *mean, __global const float *invstd,
                                       __global float *sum_dy, __global float *sum_dy_xhat,
                                       const int want_dweight,
                                       __global float *dweight, const uint dweight_offset,
                                       const int want_dbias,
                                       __global float *dbias, const uint dbias_offset)
{
    const uint f = get_global_id(0);
    if (f >= features)
        return;
    float s = 0.0f, sx = 0.0f;
    for (uint r = 0; r < rows; r++) {
        const float g = dy[dy_offset + r * features + f];
        const float xhat = (x[x_offset + r * features + f] - mean[f]) * invstd[f];
        s += g;
        sx += g * xhat;
    }
    sum_dy[f] = s;
    sum_dy_xhat[f] = sx;
    if (want_dweight)
        dweight[dweight_offset + f] += sx;
    if (want_dbias)
        dbias[dbias_offset + f] += s;
}

// dx += scale * invstd * (dy - (sum_dy + xhat * sum_dy_xhat) / rows) in
// training, where the batch statistics depend on x, and
// dx += scale * invstd * dy in evaluation; scale is weight[f], or 1.
__kernel void batch_norm_backward_input(const uint n, const uint rows, const uint features,
                                        __global const float *x, const uint x_offset,
                                        __global const float *dy, const uint dy_offset,
                                        __global const float *mean, __global const float *invstd,
                                        __global const float *sum_dy,
                                        __global const float *sum_dy_xhat,
                                        const int affine,
                                        __global const float *weight, const uint weight_offset,
                                        const int training,
                                        __global float *dx, const uint dx_offset)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const uint f = i % features;
    const float scale = (affine ? weight[weight_offset + f] : 1.0f) * invstd[f];
    float g = dy[dy_offset + i];
    if (training) {
        const float xhat = (x[x_offset + i] - mean[f]) * invstd[f];
        g -= (sum_dy[f] + xhat * sum_dy_xhat[f]) / (float)rows;
    }
    dx[dx_offset + i] += scale * g;
}
