/* Modules in the manner of torch.nn: layers with parameters, buffers and a
 * training/evaluation mode, composed with Sequential. */
#ifndef CLMLP_NN_H
#define CLMLP_NN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clmlp/autograd.h"
#include "clmlp/model.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A layer or a container of layers. Every module starts in training mode. */
typedef struct clmlp_module clmlp_module;

/* A tensor with its dotted name, such as "1.weight" or, with the prefix
 * "net", "net.2.running_mean". Names follow PyTorch's state_dict keys. */
typedef struct clmlp_named_tensor {
    const char *name;        /* owned by the list */
    clmlp_tensor *tensor;    /* owned by the module */
} clmlp_named_tensor;

/* A list returned by clmlp_module_parameters() or clmlp_module_buffers().
 * Free it with clmlp_named_tensors_free(); the tensors stay with the module. */
typedef struct clmlp_named_tensors {
    clmlp_named_tensor *items;
    size_t count;
} clmlp_named_tensors;

/* Linear: y[B, out] = x[B, in] · weightᵀ + bias, with weight [out, in] and
 * bias [out] as in torch.nn.Linear. Both start as PyTorch's defaults do:
 * U(-1/sqrt(in), 1/sqrt(in)), which is Kaiming-uniform with a = sqrt(5) for
 * the weight. The numbers come from Philox with the given seed, so they
 * differ from PyTorch's but repeat on every device; give each layer its own
 * seed. Returns CLMLP_ERROR_INVALID_ARGUMENT for a zero size. */
CLMLP_API clmlp_status clmlp_linear_create(clmlp_context *ctx, size_t in_features,
                                           size_t out_features, bool bias, uint64_t seed,
                                           clmlp_module **module);

/* LazyLinear: a Linear whose in_features is the column count of the first
 * input it receives. Until that forward pass it has no parameters, and asking
 * for them returns CLMLP_ERROR_NOT_READY. */
CLMLP_API clmlp_status clmlp_lazy_linear_create(clmlp_context *ctx, size_t out_features, bool bias,
                                                uint64_t seed, clmlp_module **module);

/* Elementwise activations on tensors of any shape. */
CLMLP_API clmlp_status clmlp_relu_create(clmlp_context *ctx, clmlp_module **module);
CLMLP_API clmlp_status clmlp_tanh_create(clmlp_context *ctx, clmlp_module **module);
CLMLP_API clmlp_status clmlp_sigmoid_create(clmlp_context *ctx, clmlp_module **module);

/* LeakyReLU: y = x for x > 0, slope * x otherwise. PyTorch's default slope
 * is CLMLP_LEAKY_RELU_SLOPE. Returns CLMLP_ERROR_INVALID_ARGUMENT for a
 * slope that is not finite. */
#define CLMLP_LEAKY_RELU_SLOPE 0.01f
CLMLP_API clmlp_status clmlp_leaky_relu_create(clmlp_context *ctx, float slope,
                                               clmlp_module **module);

/* Settings of BatchNorm1d; clmlp_batch_norm_default() gives PyTorch's. */
typedef struct clmlp_batch_norm_options {
    float eps;          /* added to the variance, 1e-5 */
    float momentum;     /* running = (1 - momentum) * running + momentum * batch, 0.1 */
    bool affine;        /* learnable weight (ones) and bias (zeros), true */
} clmlp_batch_norm_options;

CLMLP_API clmlp_batch_norm_options clmlp_batch_norm_default(void);

/* BatchNorm1d over x [B, features]. Parameters "weight" and "bias" (when
 * affine) and buffers "running_mean" (zeros), "running_var" (ones) and
 * "num_batches_tracked" (int32 [1], zero). Training mode normalises with
 * the batch mean and biased variance and updates the running statistics
 * with the unbiased variance; evaluation mode normalises with the running
 * statistics. options may be NULL for the defaults. */
CLMLP_API clmlp_status clmlp_batch_norm1d_create(clmlp_context *ctx, size_t features,
                                                 const clmlp_batch_norm_options *options,
                                                 clmlp_module **module);

/* Dropout: in training mode zeroes each element with probability p and
 * scales the others by 1/(1-p); in evaluation mode returns its input. The
 * mask of the n-th training forward is a pure function of (seed, n, element
 * index), so a seeded run repeats exactly. p must be in [0, 1). */
CLMLP_API clmlp_status clmlp_dropout_create(clmlp_context *ctx, float p, uint64_t seed,
                                            clmlp_module **module);

/* Flatten: reshapes x [B, d1, d2, ...] to [B, d1 * d2 * ...] without a copy. */
CLMLP_API clmlp_status clmlp_flatten_create(clmlp_context *ctx, clmlp_module **module);

/* Sequential: runs its children in order. Children are named by their
 * position, "0", "1", ..., as in torch.nn.Sequential. */
CLMLP_API clmlp_status clmlp_sequential_create(clmlp_context *ctx, clmlp_module **module);

/* Appends child to a Sequential, which then owns it. The Sequential frees
 * the child even when the call fails, so a chain of appends needs no cleanup
 * of its own. Returns CLMLP_ERROR_INVALID_ARGUMENT when sequential is not a
 * Sequential or child is NULL. */
CLMLP_API clmlp_status clmlp_sequential_append(clmlp_module *sequential, clmlp_module *child);

/* Number of children of a Sequential; 0 for other modules. */
CLMLP_API size_t clmlp_sequential_length(const clmlp_module *sequential);

/* Returns child index of a Sequential, or NULL when out of range. The child
 * belongs to the Sequential. */
CLMLP_API clmlp_module *clmlp_sequential_child(const clmlp_module *sequential, size_t index);

/* Computes y from x on the tape; y belongs to the tape. Returns
 * CLMLP_ERROR_SHAPE when x does not fit the module (with both shapes in the
 * message), and for BatchNorm1d in training mode on a batch of one sample. */
CLMLP_API clmlp_status clmlp_module_forward(clmlp_module *module, clmlp_tape *tape,
                                            clmlp_tensor *x, clmlp_tensor **y);

/* Switches a module and all its children between training (true) and
 * evaluation (false) mode. */
CLMLP_API void clmlp_module_set_training(clmlp_module *module, bool training);
CLMLP_API bool clmlp_module_training(const clmlp_module *module);

/* Returns the PyTorch class name: "Linear", "LazyLinear", "ReLU", "Tanh",
 * "LeakyReLU", "Sigmoid", "BatchNorm1d", "Dropout", "Flatten" or
 * "Sequential". A LazyLinear stays "LazyLinear" after its first forward. */
CLMLP_API const char *clmlp_module_kind(const clmlp_module *module);

/* Lists the trainable parameters of module and its children in PyTorch's
 * order, each name starting with prefix and a dot (no dot for NULL or "").
 * Returns CLMLP_ERROR_NOT_READY, naming the layer, while a LazyLinear has
 * not seen its first input; *list is then empty. */
CLMLP_API clmlp_status clmlp_module_parameters(clmlp_module *module, const char *prefix,
                                               clmlp_named_tensors *list);

/* Lists the buffers, the state that is saved but not trained: BatchNorm1d's
 * running_mean, running_var and num_batches_tracked. Names as above. */
CLMLP_API clmlp_status clmlp_module_buffers(clmlp_module *module, const char *prefix,
                                            clmlp_named_tensors *list);

/* Frees the names and the array of a list and zeroes it. NULL is allowed. */
CLMLP_API void clmlp_named_tensors_free(clmlp_named_tensors *list);

/* Creates every lazy parameter by running one evaluation-mode forward pass,
 * without recording, on a zero input of the given shape ([1, features] for
 * a model of flat inputs). Use it before restoring a checkpoint or creating
 * an optimizer without training data at hand. Running statistics are not
 * changed. */
CLMLP_API clmlp_status clmlp_module_materialize(clmlp_module *module, int ndim,
                                                const size_t *input_shape);

/* Frees a module and, for a Sequential, its children. NULL is allowed. */
CLMLP_API void clmlp_module_free(clmlp_module *module);

/* Wraps a module as a model of the given family name (copied), taking
 * ownership of the module even on failure. The model's parameters are the
 * module's, named with prefix (for example "net" gives "net.1.weight"). The
 * arrays that clmlp_model_parameters() and clmlp_model_buffers() return keep
 * their address for the model's life; their contents fill in when a lazy
 * layer receives its first input. */
CLMLP_API clmlp_status clmlp_model_from_module(clmlp_module *module, const char *family,
                                               const char *prefix, clmlp_model **model);

/* Returns the module of a model made by clmlp_model_from_module() or by the
 * concise and FC builders, or NULL for other families. */
CLMLP_API clmlp_module *clmlp_model_module(clmlp_model *model);

/* The concise MLP: Sequential(Flatten, LazyLinear(hidden), ReLU,
 * LazyLinear(outputs)) as family "concise", parameters named "net.1.weight",
 * "net.1.bias", "net.3.weight", "net.3.bias". */
CLMLP_API clmlp_status clmlp_concise_mlp_create(clmlp_context *ctx, size_t hidden, size_t outputs,
                                                uint64_t seed, clmlp_model **model);

/* Activations the FC block accepts by name. */
typedef enum clmlp_activation {
    CLMLP_ACTIVATION_RELU = 0,
    CLMLP_ACTIVATION_TANH,
    CLMLP_ACTIVATION_LEAKY_RELU
} clmlp_activation;

/* Parses "relu", "tanh" or "leakyrelu", ignoring case. Any other name
 * returns CLMLP_ERROR_INVALID_ARGUMENT with a message that lists these. */
CLMLP_API clmlp_status clmlp_activation_parse(const char *name, clmlp_activation *activation);

/* Configuration of the FC block. */
typedef struct clmlp_fc_options {
    size_t inputs;               /* features of a flat input */
    const size_t *sizes;         /* layer sizes, the last one the output size */
    size_t size_count;           /* at least 1 */
    bool batch_norm;             /* BatchNorm1d before each hidden activation */
    clmlp_activation activation;
    float dropout;               /* probability in [0, 1); 0 adds no Dropout */
    bool sigmoid;                /* a Sigmoid after the last Linear */
    uint64_t seed;               /* initial weights and dropout masks */
} clmlp_fc_options;

/* Returns ReLU, no batch norm, no dropout, no sigmoid, seed 0, no sizes. */
CLMLP_API clmlp_fc_options clmlp_fc_default(void);

/* The configurable FC block as family "fc": Linear(inputs, sizes[0]); then
 * for each following size s, [BatchNorm1d] → activation → [Dropout] →
 * Linear(previous, s); then Sigmoid when asked. Parameters are named
 * "net.<index>.weight" and so on by position in that Sequential. Returns
 * CLMLP_ERROR_INVALID_ARGUMENT for no sizes, a zero size, zero inputs, an
 * unknown activation value or a dropout outside [0, 1). */
CLMLP_API clmlp_status clmlp_fc_create(clmlp_context *ctx, const clmlp_fc_options *options,
                                       clmlp_model **model);

#ifdef __cplusplus
}
#endif

#endif
