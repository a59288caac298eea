/* Dropout: the dropout op in training mode, the identity in evaluation. */
#include "nn/module.h"

#include "clmlp/ops.h"

typedef struct dropout_module {
    clmlp_module base;
    float p;
    uint64_t seed;
    uint64_t calls;     /* training forwards so far; the mask counter */
} dropout_module;

static clmlp_status dropout_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                    clmlp_tensor **y)
{
    dropout_module *d = (dropout_module *)m;
    if (!m->training || d->p == 0.0f) {
        *y = x;
        return CLMLP_SUCCESS;
    }
    CLMLP_TRY(clmlp_dropout(tape, x, d->p, d->seed, d->calls, y));
    d->calls++;
    return CLMLP_SUCCESS;
}

static const clmlp_module_ops dropout_ops = {"Dropout", dropout_forward, NULL};

clmlp_status clmlp_dropout_create(clmlp_context *ctx, float p, uint64_t seed,
                                  clmlp_module **module)
{
    if (!(p >= 0.0f && p < 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "Dropout: probability %g must be in "
                          "[0, 1)", (double)p);
    CLMLP_TRY(clmlp_module_alloc(ctx, &dropout_ops, sizeof(dropout_module), module));
    dropout_module *d = (dropout_module *)*module;
    d->p = p;
    d->seed = seed;
    return CLMLP_SUCCESS;
}

uint64_t clmlp_module_dropout_calls(const clmlp_module *module)
{
    uint64_t calls = 0;
    if (module == NULL)
        return 0;
    if (module->ops == &dropout_ops)
        calls = ((const dropout_module *)module)->calls;
    for (size_t i = 0; i < module->child_count; i++) {
        uint64_t child = clmlp_module_dropout_calls(module->children[i]);
        if (child > calls)
            calls = child;
    }
    return calls;
}

void clmlp_module_set_dropout_calls(clmlp_module *module, uint64_t calls)
{
    if (module == NULL)
        return;
    if (module->ops == &dropout_ops)
        ((dropout_module *)module)->calls = calls;
    for (size_t i = 0; i < module->child_count; i++)
        clmlp_module_set_dropout_calls(module->children[i], calls);
}
