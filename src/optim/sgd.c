/* SGD with momentum, Nesterov momentum and weight decay. */
#include "core/config.h"
#include "optim/optimizer.h"

#include <math.h>
#include <stdlib.h>

/* With momentum, each parameter has one state slot: its momentum buffer. */
typedef struct sgd_state {
    clmlp_sgd_options options;
} sgd_state;

static const char *const sgd_state_names[] = {"momentum_buffer"};

clmlp_sgd_options clmlp_sgd_default(void)
{
    return (clmlp_sgd_options){.lr = 0.01f};
}

static clmlp_status sgd_step(clmlp_optimizer *opt)
{
    sgd_state *s = opt->state;
    cl_int nesterov = s->options.nesterov ? 1 : 0;
    cl_int first_step = opt->step_count == 0 ? 1 : 0;

    for (size_t i = 0; i < opt->param_count; i++) {
        clmlp_tensor *p = opt->params[i], *g = p->grad;
        /* Without momentum the kernel never touches the buffer argument. */
        cl_mem momentum = opt->state_slots ? opt->state_tensors[i]->buffer : p->buffer;
        cl_uint n = (cl_uint)clmlp_tensor_numel(p);
        cl_uint p_offset = (cl_uint)p->offset, g_offset = (cl_uint)g->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(opt->ctx, "sgd_step", n, CLMLP_ARG(n), CLMLP_ARG(p->buffer),
                                  CLMLP_ARG(p_offset), CLMLP_ARG(g->buffer), CLMLP_ARG(g_offset),
                                  CLMLP_ARG(momentum), CLMLP_ARG(opt->lr),
                                  CLMLP_ARG(s->options.momentum), CLMLP_ARG(s->options.dampening),
                                  CLMLP_ARG(s->options.weight_decay), CLMLP_ARG(nesterov),
                                  CLMLP_ARG(first_step)));
    }
    return CLMLP_SUCCESS;
}

static void sgd_free_state(clmlp_optimizer *opt)
{
    free(opt->state);
}

static clmlp_status sgd_write_config(const clmlp_optimizer *opt, cJSON *config)
{
    const sgd_state *s = opt->state;
    CLMLP_TRY(clmlp_config_add_float(config, "lr", opt->lr));
    CLMLP_TRY(clmlp_config_add_float(config, "momentum", s->options.momentum));
    CLMLP_TRY(clmlp_config_add_float(config, "dampening", s->options.dampening));
    CLMLP_TRY(clmlp_config_add_float(config, "weight_decay", s->options.weight_decay));
    return clmlp_config_add_bool(config, "nesterov", s->options.nesterov);
}

static const clmlp_optimizer_ops sgd_ops = {
    .name = "sgd",
    .step = sgd_step,
    .free_state = sgd_free_state,
    .visit_state = clmlp_optimizer_visit_state_tensors,
    .write_config = sgd_write_config,
};

static clmlp_status check_options(const clmlp_sgd_options *o)
{
    if (!isfinite(o->momentum) || o->momentum < 0.0f)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "sgd: momentum %g must be 0 or more",
                          (double)o->momentum);
    if (!isfinite(o->weight_decay) || o->weight_decay < 0.0f)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "sgd: weight decay %g must be 0 or more",
                          (double)o->weight_decay);
    if (!isfinite(o->dampening))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "sgd: dampening %g is not finite",
                          (double)o->dampening);
    if (o->nesterov && (o->momentum <= 0.0f || o->dampening != 0.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "sgd: Nesterov momentum needs a positive "
                          "momentum and zero dampening");
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_sgd_create(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                              const clmlp_sgd_options *options, clmlp_optimizer **optimizer)
{
    if (optimizer == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "sgd: NULL output pointer");
    *optimizer = NULL;
    clmlp_sgd_options o = options ? *options : clmlp_sgd_default();
    CLMLP_TRY(check_options(&o));

    clmlp_optimizer *opt = calloc(1, sizeof *opt);
    sgd_state *s = calloc(1, sizeof *s);
    if (opt == NULL || s == NULL) {
        free(opt);
        free(s);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating sgd");
    }
    s->options = o;
    opt->state = s;
    clmlp_status status = clmlp_optimizer_init(opt, &sgd_ops, ctx, params, count, o.lr);

    if (status == CLMLP_SUCCESS && o.momentum > 0.0f)
        status = clmlp_optimizer_alloc_state(opt, 1, sgd_state_names);
    if (status != CLMLP_SUCCESS) {
        opt->ops = &sgd_ops;
        clmlp_optimizer_free(opt);
        return status;
    }
    *optimizer = opt;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_sgd_from_config(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                   const cJSON *config, clmlp_optimizer **optimizer)
{
    clmlp_sgd_options o = clmlp_sgd_default();
    double lr = o.lr, momentum = o.momentum, dampening = o.dampening;
    double weight_decay = o.weight_decay;
    CLMLP_TRY(clmlp_config_number(config, "sgd", "lr", &lr));
    CLMLP_TRY(clmlp_config_number(config, "sgd", "momentum", &momentum));
    CLMLP_TRY(clmlp_config_number(config, "sgd", "dampening", &dampening));
    CLMLP_TRY(clmlp_config_number(config, "sgd", "weight_decay", &weight_decay));
    CLMLP_TRY(clmlp_config_bool(config, "sgd", "nesterov", &o.nesterov));
    o.lr = (float)lr;
    o.momentum = (float)momentum;
    o.dampening = (float)dampening;
    o.weight_decay = (float)weight_decay;
    return clmlp_sgd_create(ctx, params, count, &o, optimizer);
}
