/* Functions common to every optimizer. */
#include "optim/optimizer.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

clmlp_status clmlp_optimizer_init(clmlp_optimizer *opt, const clmlp_optimizer_ops *ops,
                                  clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                  float lr)
{
    if (ctx == NULL || (params == NULL && count > 0))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: NULL context or parameter list", ops->name);
    if (count == 0)
        return clmlp_fail(CLMLP_ERROR_NOT_READY, "%s: the parameter list is empty; a model with lazy "
                          "layers needs one forward pass before its optimizer is created", ops->name);
    if (!(lr > 0.0f) || !isfinite(lr))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: learning rate %g must be a positive number",
                          ops->name, (double)lr);
    for (size_t i = 0; i < count; i++) {
        if (params[i] == NULL || params[i]->dtype != CLMLP_FLOAT32 || !params[i]->requires_grad ||
            !clmlp_tensor_is_contiguous(params[i]))
            return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: parameter %zu must be a contiguous "
                              "float tensor that requires gradients", ops->name, i);
    }

    opt->params = malloc(count * sizeof *opt->params);
    if (opt->params == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating %s", ops->name);
    memcpy(opt->params, params, count * sizeof *params);
    opt->ops = ops;
    opt->ctx = ctx;
    opt->param_count = count;
    opt->lr = lr;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_optimizer_step(clmlp_optimizer *opt)
{
    if (opt == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_optimizer_step: NULL optimizer");
    CLMLP_TRY(opt->ops->step(opt));
    opt->step_count++;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_optimizer_zero_grad(clmlp_optimizer *opt)
{
    if (opt == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_optimizer_zero_grad: NULL optimizer");
    for (size_t i = 0; i < opt->param_count; i++)
        CLMLP_TRY(clmlp_tensor_fill(opt->params[i]->grad, 0.0f));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_optimizer_set_lr(clmlp_optimizer *opt, float lr)
{
    if (opt == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_optimizer_set_lr: NULL optimizer");
    if (!(lr > 0.0f) || !isfinite(lr))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "learning rate %g must be a positive number",
                          (double)lr);
    opt->lr = lr;
    return CLMLP_SUCCESS;
}

float clmlp_optimizer_lr(const clmlp_optimizer *opt)
{
    return opt ? opt->lr : 0.0f;
}

const char *clmlp_optimizer_name(const clmlp_optimizer *opt)
{
    return opt ? opt->ops->name : "";
}

void clmlp_optimizer_free(clmlp_optimizer *opt)
{
    if (opt == NULL)
        return;
    if (opt->ops && opt->ops->free_state)
        opt->ops->free_state(opt);
    free(opt->params);
    free(opt);
}
