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

// totals[0] += mean_loss * rows, totals[1] += correct, totals[2] += rows.
// totals[3] is step + 1 of the first step whose loss is NaN or infinite, and
// stays 0 while every loss is finite.
void add_totals(__global float *totals, const float mean_loss, const uint rows, const uint correct,
                const uint step)
{
    if (!isfinite(mean_loss) && totals[3] == 0.0f)
        totals[3] = (float)step + 1.0f;
    totals[0] += mean_loss * (float)rows;
    totals[1] += (float)correct;
    totals[2] += (float)rows;
}

// Adds one step into totals (see add_totals), counting rows whose argmax
// equals the label as correct. One work-item; argmax takes the first maximum.
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
    add_totals(totals, loss[loss_offset], rows, correct, step);
}

// Elementwise binary losses. kind selects the loss of input x and target t:
//   0: binary cross-entropy on logits, max(x, 0) - x * t + log(1 + exp(-|x|));
//   1: binary cross-entropy on probabilities, -(t * log(x) + (1 - t) * log(1 - x))
//      with each log clamped at -100, as PyTorch does;
//   2: squared error (x - t)^2.
#define LOSS_BCE_WITH_LOGITS 0
#define LOSS_BCE 1
#define LOSS_MSE 2

__kernel void pointwise_loss(const uint n, const int kind,
                             __global const float *x, const uint x_offset,
                             __global const float *t, const uint t_offset,
                             __global float *loss)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const float v = x[x_offset + i];
    const float target = t[t_offset + i];
    float l;
    if (kind == LOSS_BCE_WITH_LOGITS) {
        l = fmax(v, 0.0f) - v * target + log1p(exp(-fabs(v)));
    } else if (kind == LOSS_BCE) {
        const float log_p = fmax(log(v), -100.0f);
        const float log_q = fmax(log(1.0f - v), -100.0f);
        l = -(target * log_p + (1.0f - target) * log_q);
    } else {
        const float d = v - target;
        l = d * d;
    }
    loss[i] = l;
}

// dx += dloss[0] / n times the derivative of the loss above:
// sigmoid(x) - t; (x - t) / max(x * (1 - x), 1e-12) as PyTorch computes it;
// or 2 * (x - t).
__kernel void pointwise_loss_backward(const uint n, const int kind,
                                      __global const float *x, const uint x_offset,
                                      __global const float *t, const uint t_offset,
                                      __global const float *dloss, const uint dloss_offset,
                                      __global float *dx, const uint dx_offset)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const float v = x[x_offset + i];
    const float target = t[t_offset + i];
    float g;
    if (kind == LOSS_BCE_WITH_LOGITS) {
        const float e = exp(-fabs(v));
        const float sig = v >= 0.0f ? 1.0f / (1.0f + e) : e / (1.0f + e);
        g = sig - target;
    } else if (kind == LOSS_BCE) {
        g = (v - target) / fmax(v * (1.0f - v), 1e-12f);
    } else {
        g = 2.0f * (v - target);
    }
    dx[dx_offset + i] += g * dloss[dloss_offset] / (float)n;
}

// Adds one step into totals (see add_totals), counting rows whose output is
// above threshold exactly when the label is nonzero as correct. outputs has
// one value per row. One work-item.
__kernel void accumulate_binary_metrics(const uint rows,
                                        __global const float *outputs, const uint outputs_offset,
                                        const float threshold,
                                        __global const int *labels, const uint labels_offset,
                                        __global const float *loss, const uint loss_offset,
                                        const uint step, __global float *totals)
{
    if (get_global_id(0) != 0)
        return;
    uint correct = 0;
    for (uint b = 0; b < rows; b++) {
        const int predicted = outputs[outputs_offset + b] > threshold ? 1 : 0;
        const int actual = labels[labels_offset + b] != 0 ? 1 : 0;
        if (predicted == actual)
            correct++;
    }
    add_totals(totals, loss[loss_offset], rows, correct, step);
}
