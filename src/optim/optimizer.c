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
    if (opt->state_tensors != NULL)
        for (size_t i = 0; i < opt->param_count * opt->state_slots; i++)
            clmlp_tensor_free(opt->state_tensors[i]);
    free(opt->state_tensors);
    free(opt->params);
    free(opt);
}

clmlp_status clmlp_optimizer_alloc_state(clmlp_optimizer *opt, size_t slots,
                                         const char *const *names)
{
    opt->state_tensors = calloc(opt->param_count * slots, sizeof *opt->state_tensors);
    if (opt->state_tensors == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating %s state",
                          opt->ops->name);
    opt->state_slots = slots;
    opt->state_names = names;
    for (size_t i = 0; i < opt->param_count; i++) {
        const clmlp_tensor *p = opt->params[i];
        for (size_t s = 0; s < slots; s++)
            CLMLP_TRY(clmlp_tensor_create(opt->ctx, CLMLP_FLOAT32, p->ndim, p->shape,
                                          &opt->state_tensors[i * slots + s]));
    }
    return CLMLP_SUCCESS;
}

size_t clmlp_optimizer_param_count(const clmlp_optimizer *opt)
{
    return opt ? opt->param_count : 0;
}

size_t clmlp_optimizer_state_slots(const clmlp_optimizer *opt)
{
    return opt ? opt->state_slots : 0;
}

const char *clmlp_optimizer_state_name(const clmlp_optimizer *opt, size_t slot)
{
    if (opt == NULL || slot >= opt->state_slots)
        return NULL;
    return opt->state_names[slot];
}

clmlp_status clmlp_optimizer_state(clmlp_optimizer *opt, size_t param, size_t slot,
                                   clmlp_tensor **state)
{
    if (opt == NULL || state == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_optimizer_state: NULL argument");
    if (param >= opt->param_count || slot >= opt->state_slots)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_optimizer_state: %s has %zu "
                          "parameters with %zu state slots each; parameter %zu slot %zu does not "
                          "exist", opt->ops->name, opt->param_count, opt->state_slots, param, slot);
    *state = opt->state_tensors[param * opt->state_slots + slot];
    return CLMLP_SUCCESS;
}

uint64_t clmlp_optimizer_step_count(const clmlp_optimizer *opt)
{
    return opt ? opt->step_count : 0;
}

clmlp_status clmlp_optimizer_set_step_count(clmlp_optimizer *opt, uint64_t steps)
{
    if (opt == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_optimizer_set_step_count: NULL "
                          "optimizer");
    opt->step_count = steps;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_optimizer_visit_state_tensors(clmlp_optimizer *opt, clmlp_optimizer_state_fn fn,
                                                 void *user_data)
{
    for (size_t i = 0; i < opt->param_count; i++)
        for (size_t slot = 0; slot < opt->state_slots; slot++)
            CLMLP_TRY(fn(i, opt->state_names[slot], opt->state_tensors[i * opt->state_slots + slot],
                         user_data));
    return CLMLP_SUCCESS;
}
