/* Adam and AdamW, stepping on the device with PyTorch's bias correction. */
#include "core/config.h"
#include "optim/optimizer.h"

#include <math.h>
#include <stdlib.h>

typedef struct adam_state {
    clmlp_adam_options options;
    bool decoupled;              /* AdamW's weight decay */
} adam_state;

static const char *const adam_state_names[] = {"exp_avg", "exp_avg_sq"};

clmlp_adam_options clmlp_adam_default(void)
{
    return (clmlp_adam_options){.lr = 1e-3f, .beta1 = 0.9f, .beta2 = 0.999f, .eps = 1e-8f,
                                .weight_decay = 0.0f};
}

clmlp_adam_options clmlp_adamw_default(void)
{
    clmlp_adam_options o = clmlp_adam_default();
    o.weight_decay = 0.01f;
    return o;
}

static clmlp_status adam_step(clmlp_optimizer *opt)
{
    adam_state *s = opt->state;
    const clmlp_adam_options *o = &s->options;

    /* The bias corrections of step t = step_count + 1, in double precision
     * as PyTorch computes them on the host. */
    double t = (double)(opt->step_count + 1);
    float step_size = (float)((double)opt->lr / (1.0 - pow((double)o->beta1, t)));
    float correction2_sqrt = (float)sqrt(1.0 - pow((double)o->beta2, t));
    cl_int decoupled = s->decoupled ? 1 : 0;

    for (size_t i = 0; i < opt->param_count; i++) {
        clmlp_tensor *p = opt->params[i], *g = p->grad;
        clmlp_tensor *exp_avg = opt->state_tensors[2 * i], *exp_avg_sq = opt->state_tensors[2 * i + 1];
        cl_uint n = (cl_uint)clmlp_tensor_numel(p);
        cl_uint p_offset = (cl_uint)p->offset, g_offset = (cl_uint)g->offset;
        CLMLP_TRY(CLMLP_LAUNCH_1D(opt->ctx, "adam_step", n, CLMLP_ARG(n), CLMLP_ARG(p->buffer),
                                  CLMLP_ARG(p_offset), CLMLP_ARG(g->buffer), CLMLP_ARG(g_offset),
                                  CLMLP_ARG(exp_avg->buffer), CLMLP_ARG(exp_avg_sq->buffer),
                                  CLMLP_ARG(opt->lr), CLMLP_ARG(o->beta1), CLMLP_ARG(o->beta2),
                                  CLMLP_ARG(o->eps), CLMLP_ARG(o->weight_decay),
                                  CLMLP_ARG(decoupled), CLMLP_ARG(step_size),
                                  CLMLP_ARG(correction2_sqrt)));
    }
    return CLMLP_SUCCESS;
}

static void adam_free_state(clmlp_optimizer *opt)
{
    free(opt->state);
}

static clmlp_status adam_write_config(const clmlp_optimizer *opt, cJSON *config)
{
    const adam_state *s = opt->state;
    CLMLP_TRY(clmlp_config_add_float(config, "lr", opt->lr));
    CLMLP_TRY(clmlp_config_add_float(config, "beta1", s->options.beta1));
    CLMLP_TRY(clmlp_config_add_float(config, "beta2", s->options.beta2));
    CLMLP_TRY(clmlp_config_add_float(config, "eps", s->options.eps));
    return clmlp_config_add_float(config, "weight_decay", s->options.weight_decay);
}

static const clmlp_optimizer_ops adam_ops = {"adam", adam_step, adam_free_state,
                                             clmlp_optimizer_visit_state_tensors,
                                             adam_write_config};
static const clmlp_optimizer_ops adamw_ops = {"adamw", adam_step, adam_free_state,
                                              clmlp_optimizer_visit_state_tensors,
                                              adam_write_config};

static clmlp_status check_options(const char *name, const clmlp_adam_options *o)
{
    if (!(o->beta1 >= 0.0f && o->beta1 < 1.0f) || !(o->beta2 >= 0.0f && o->beta2 < 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: betas (%g, %g) must be in [0, 1)",
                          name, (double)o->beta1, (double)o->beta2);
    if (!(o->eps >= 0.0f) || !isfinite(o->eps))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: eps %g must be 0 or more", name,
                          (double)o->eps);
    if (!(o->weight_decay >= 0.0f) || !isfinite(o->weight_decay))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: weight decay %g must be 0 or more",
                          name, (double)o->weight_decay);
    return CLMLP_SUCCESS;
}

static clmlp_status create(const clmlp_optimizer_ops *ops, bool decoupled, clmlp_context *ctx,
                           clmlp_tensor *const *params, size_t count,
                           const clmlp_adam_options *options, clmlp_optimizer **optimizer)
{
    if (optimizer == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "%s: NULL output pointer", ops->name);
    *optimizer = NULL;
    clmlp_adam_options o = options ? *options
                                   : decoupled ? clmlp_adamw_default() : clmlp_adam_default();
    CLMLP_TRY(check_options(ops->name, &o));

    clmlp_optimizer *opt = calloc(1, sizeof *opt);
    adam_state *s = calloc(1, sizeof *s);
    if (opt == NULL || s == NULL) {
        free(opt);
        free(s);
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory creating %s",
                          ops->name);
    }
    s->options = o;
    s->decoupled = decoupled;
    opt->state = s;
    clmlp_status status = clmlp_optimizer_init(opt, ops, ctx, params, count, o.lr);
    if (status == CLMLP_SUCCESS)
        status = clmlp_optimizer_alloc_state(opt, 2, adam_state_names);
    if (status != CLMLP_SUCCESS) {
        opt->ops = ops;
        clmlp_optimizer_free(opt);
        return status;
    }
    *optimizer = opt;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_adam_create(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                               const clmlp_adam_options *options, clmlp_optimizer **optimizer)
{
    return create(&adam_ops, false, ctx, params, count, options, optimizer);
}

clmlp_status clmlp_adamw_create(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                const clmlp_adam_options *options, clmlp_optimizer **optimizer)
{
    return create(&adamw_ops, true, ctx, params, count, options, optimizer);
}

/* Reads the settings that adam_write_config() writes over the defaults. */
static clmlp_status read_config(const char *name, const cJSON *config, clmlp_adam_options *o)
{
    double lr = o->lr, beta1 = o->beta1, beta2 = o->beta2, eps = o->eps;
    double weight_decay = o->weight_decay;
    CLMLP_TRY(clmlp_config_number(config, name, "lr", &lr));
    CLMLP_TRY(clmlp_config_number(config, name, "beta1", &beta1));
    CLMLP_TRY(clmlp_config_number(config, name, "beta2", &beta2));
    CLMLP_TRY(clmlp_config_number(config, name, "eps", &eps));
    CLMLP_TRY(clmlp_config_number(config, name, "weight_decay", &weight_decay));
    o->lr = (float)lr;
    o->beta1 = (float)beta1;
    o->beta2 = (float)beta2;
    o->eps = (float)eps;
    o->weight_decay = (float)weight_decay;
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_adam_from_config(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                    const cJSON *config, clmlp_optimizer **optimizer)
{
    clmlp_adam_options o = clmlp_adam_default();
    CLMLP_TRY(read_config("adam", config, &o));
    return clmlp_adam_create(ctx, params, count, &o, optimizer);
}

clmlp_status clmlp_adamw_from_config(clmlp_context *ctx, clmlp_tensor *const *params, size_t count,
                                     const cJSON *config, clmlp_optimizer **optimizer)
{
    clmlp_adam_options o = clmlp_adamw_default();
    CLMLP_TRY(read_config("adamw", config, &o));
    return clmlp_adamw_create(ctx, params, count, &o, optimizer);
}
