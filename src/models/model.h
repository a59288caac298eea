/* Internal model layout: each family embeds struct clmlp_model first. */
#ifndef CLMLP_MODELS_MODEL_H
#define CLMLP_MODELS_MODEL_H

#include "clmlp/model.h"
#include "tensor/tensor.h"

typedef struct clmlp_model_ops {
    const char *family;
    clmlp_status (*forward)(clmlp_model *model, clmlp_tape *tape, clmlp_tensor *x,
                            clmlp_tensor **logits);
    void (*set_training)(clmlp_model *model, bool training);   /* may be NULL */
    void (*free)(clmlp_model *model);                          /* frees the family's fields */
} clmlp_model_ops;

#define CLMLP_MAX_PARAMS 64

struct clmlp_model {
    const clmlp_model_ops *ops;
    clmlp_context *ctx;
    bool training;
    clmlp_tensor *params[CLMLP_MAX_PARAMS];     /* owned */
    const char *param_names[CLMLP_MAX_PARAMS];  /* owned copies */
    size_t param_count;
};

/* Creates a parameter tensor named name and appends it to the model. */
clmlp_status clmlp_model_add_parameter(clmlp_model *model, const char *name, int ndim,
                                       const size_t *shape, clmlp_tensor **param);

#endif
