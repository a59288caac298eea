// Losses and metrics.

// Per row b of logits [rows, classes]: probs[b, :] = softmax(logits[b, :])
// and row_loss[b] = logsumexp(logits[b, :]) - logits[b, label]. The row
// maximum is subtracted before exp. A label outside [0, classes) gives NaN.
__kernel void cross_entropy_rows(const uint rows, const uint classes,
                                 __global const float *logits, const uint logits_offset,
                                 __global const int *labels, const uint labels_offset,
                                 __global float *probs, __global float *row_loss)
{
    const uint b = get_global_id(0);
    if (b >= rows)
        return;
    __global const float *z = logits + logits_offset + b * classes;

    float max_z = z[0];
    for (uint c = 1; c < classes; c++)
        max_z = fmax(max_z, z[c]);
    float sum = 0.0f;
    for (uint c = 0; c < classes; c++)
        sum += exp(z[c] - max_z);
    const float log_sum = log(sum);

    for (uint c = 0; c < classes; c++)
        probs[b * classes + c] = exp(z[c] - max_z - log_sum);

    const int label = labels[labels_offset + b];
    if (label < 0 || label >= (int)classes)
        row_loss[b] = NAN;
    else
        row_loss[b] = (max_z - z[label]) + log_sum;
}

// dlogits[b, c] += (probs[b, c] - [c == label]) * dloss[0] / rows.
__kernel void cross_entropy_backward(const uint n, const uint rows, const uint classes,
                                     __global const float *probs,
                                     __global const int *labels, const uint labels_offset,
                                     __global const float *dloss, const uint dloss_offset,
                                     __global float *dlogits, const uint dlogits_offset)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const uint b = i / classes;
    const int c = (int)(i % classes);
    const float target = labels[labels_offset + b] == c ? 1.0f : 0.0f;
    dlogits[dlogits_offset + i] += (probs[i] - target) * dloss[dloss_offset] / (float)rows;
}

// totals[0] += loss[0] * rows, totals[1] += rows whose argmax equals the
// label, totals[2] += rows. totals[3] is step + 1 of the first step whose
// loss is NaN or infinite, and stays 0 while every loss is finite. One
// work-item; argmax takes the first maximum.
__kernel void accumulate_metrics(const uint rows, const uint classes,
                                 __global const float *logits, const uint logits_offset,
                                 __global const int *labels, const uint labels_offset,
                                 __global const float *loss, const uint loss_offset,
                                 const uint step, __global float *totals)
{
    if (get_global_id(0) != 0)
        return;
    uint correct = 0;
    for (uint b = 0; b < rows; b++) {
        __global const float *z = logits + logits_offset + b * classes;
        uint best = 0;
        for (uint c = 1; c < classes; c++)
            if (z[c] > z[best])
                best = c;
        if ((int)best == labels[labels_offset + b])
            correct++;
    }
    if (!isfinite(loss[loss_offset]) && totals[3] == 0.0f)
        totals[3] = (float)step + 1.0f;
    totals[0] += loss[loss_offset] * (float)rows;
    totals[1] += (float)correct;
    totals[2] += (float)rows;
}
