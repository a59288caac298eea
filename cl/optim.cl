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
