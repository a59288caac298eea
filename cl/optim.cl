// Optimizer updates, one work-item per parameter element.

// SGD with PyTorch's update rule: g = grad + weight_decay * p; with momentum,
// buf = g on the first step and momentum * buf + (1 - dampening) * g after;
// g = g + momentum * buf (Nesterov) or buf; p -= lr * g.
__kernel void sgd_step(const uint n, __global float *param, const uint param_offset,
                       __global const float *grad, const uint grad_offset,
                       __global float *momentum_buffer,
                       const float lr, const float momentum, const float dampening,
                       const float weight_decay, const int nesterov, const int first_step)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    const float p = param[param_offset + i];
    float g = grad[grad_offset + i] + weight_decay * p;
    if (momentum != 0.0f) {
        const float buf = first_step ? g : momentum * momentum_buffer[i] + (1.0f - dampening) * g;
        momentum_buffer[i] = buf;
        g = nesterov ? g + momentum * buf : buf;
    }
    param[param_offset + i] = p - lr * g;
}

// Adam and AdamW with PyTorch's update rule. With decoupled (AdamW) the
// parameter first shrinks by 1 - lr * weight_decay; otherwise (Adam)
// weight_decay * p joins the gradient. Then
// m = beta1 * m + (1 - beta1) * g, v = beta2 * v + (1 - beta2) * g^2 and
// p -= step_size * m / (sqrt(v) / bias_correction2_sqrt + eps), where the
// host passes step_size = lr / (1 - beta1^t) and
// bias_correction2_sqrt = sqrt(1 - beta2^t) for step t.
__kernel void adam_step(const uint n, __global float *param, const uint param_offset,
                        __global const float *grad, const uint grad_offset,
                        __global float *exp_avg, __global float *exp_avg_sq,
                        const float lr, const float beta1, const float beta2, const float eps,
                        const float weight_decay, const int decoupled, const float step_size,
                        const float bias_correction2_sqrt)
{
    const uint i = get_global_id(0);
    if (i >= n)
        return;
    float p = param[param_offset + i];
    float g = grad[grad_offset + i];
    if (decoupled)
        p *= 1.0f - lr * weight_decay;
    else
        g += weight_decay * p;

    const float m = beta1 * exp_avg[i] + (1.0f - beta1) * g;
    const float v = beta2 * exp_avg_sq[i] + (1.0f - beta2) * g * g;
    exp_avg[i] = m;
    exp_avg_sq[i] = v;
    param[param_offset + i] = p - step_size * m / (sqrt(v) / bias_correction2_sqrt + eps);
}
