/* The dynamic-parameter MLP, whose weights and biases differ per sample, and
 * the hypernetwork model that generates them. */
#ifndef CLMLP_HYPER_H
#define CLMLP_HYPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "clmlp/model.h"
#include "clmlp/nn.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A dynamic-parameter MLP: layer l maps [B, in_l] to [B, out_l] with
 * x_b · W_b + bias_b for every sample b, where W [B, in_l, out_l] and
 * bias [B, out_l] are given to each forward pass. Every hidden layer is
 * followed by BatchNorm1d, ReLU and Dropout; the output layer, when there is
 * one, by nothing.
 *
 * Generated parameters come as one row of n_params floats per sample, the
 * layers in order and each layer's weight before its bias:
 *
 *   [ W_0 (in_0 · out_0, row-major [in_0, out_0]) | bias_0 (out_0) | W_1 | bias_1 | ... ]
 *
 * so n_params = sum over layers of (in_l + 1) · out_l; with no hidden layers
 * and 10 outputs on 784 inputs it is 784 · 10 + 10 = 7850. */
typedef struct clmlp_dp_mlp clmlp_dp_mlp;

/* Creates the network for inputs features. hidden lists hidden_count hidden
 * sizes and may be NULL when hidden_count is 0. dropout is the drop
 * probability of the hidden layers, in [0, 1). outputs 0 means no output
 * layer, so the last hidden layer gives the result. Dropout masks of hidden
 * layer l come from seed + l. Free the network with clmlp_dp_mlp_free().
 * Returns CLMLP_ERROR_INVALID_ARGUMENT for a zero size, a dropout outside
 * [0, 1), or no layer at all. */
CLMLP_API clmlp_status clmlp_dp_mlp_create(clmlp_context *ctx, size_t inputs, const size_t *hidden,
                                           size_t hidden_count, float dropout, size_t outputs,
                                           uint64_t seed, clmlp_dp_mlp **mlp);

/* Frees the network. NULL is allowed. */
CLMLP_API void clmlp_dp_mlp_free(clmlp_dp_mlp *mlp);

/* Returns the number of layers with generated parameters. */
CLMLP_API size_t clmlp_dp_mlp_layer_count(const clmlp_dp_mlp *mlp);

/* Returns n_params, the generated floats per sample. */
CLMLP_API size_t clmlp_dp_mlp_param_count(const clmlp_dp_mlp *mlp);

/* Returns the width of the result: outputs, or the last hidden size. */
CLMLP_API size_t clmlp_dp_mlp_output_size(const clmlp_dp_mlp *mlp);

/* Switches BatchNorm1d and Dropout between training (the default) and
 * evaluation. */
CLMLP_API void clmlp_dp_mlp_set_training(clmlp_dp_mlp *mlp, bool training);

/* Lists the trainable parameters of the network itself: the weight and
 * bias of each hidden layer's BatchNorm1d, named "<prefix>.norms.<l>.weight"
 * and "<prefix>.norms.<l>.bias" ("norms.<l>..." for a NULL or empty prefix).
 * The list is empty without hidden layers. Free it with
 * clmlp_named_tensors_free(); the tensors stay with the network. */
CLMLP_API clmlp_status clmlp_dp_mlp_parameters(clmlp_dp_mlp *mlp, const char *prefix,
                                               clmlp_named_tensors *list);

/* Lists the BatchNorm1d buffers (running_mean, running_var and
 * num_batches_tracked), named as the parameters are. */
CLMLP_API clmlp_status clmlp_dp_mlp_buffers(clmlp_dp_mlp *mlp, const char *prefix,
                                            clmlp_named_tensors *list);

/* Splits params [B, n_params] into views, without copies: weights[l] is
 * [B, in_l, out_l] and biases[l] is [B, out_l], both with batch stride
 * n_params, laid out as described above. The arrays need
 * clmlp_dp_mlp_layer_count() entries; the views belong to the tape, and
 * their gradients add into params' gradient. params must be contiguous. */
CLMLP_API clmlp_status clmlp_dp_mlp_split(clmlp_dp_mlp *mlp, clmlp_tape *tape, clmlp_tensor *params,
                                          clmlp_tensor **weights, clmlp_tensor **biases);

/* Computes out [B, output size] from x [B, inputs] with the per-sample
 * weights [B, in_l, out_l] and biases [B, out_l] of every layer, each layer
 * with one strided-batched GEMM. Weights and biases may be views such as
 * those of clmlp_dp_mlp_split(). The backward pass gives gradients for x,
 * every weight and every bias. Returns CLMLP_ERROR_SHAPE when a shape does
 * not fit the network. */
CLMLP_API clmlp_status clmlp_dp_mlp_forward(clmlp_dp_mlp *mlp, clmlp_tape *tape, clmlp_tensor *x,
                                            clmlp_tensor *const *weights,
                                            clmlp_tensor *const *biases, clmlp_tensor **out);

/* Checks that batch samples of n_params generated floats fit the device.
 * The generated parameters take batch · n_params · 4 bytes in one buffer,
 * and their gradients as much again in another, so the check needs
 * batch · n_params · 4 <= the maximum allocation size and
 * 2 · batch · n_params · 4 <= the global memory. Returns
 * CLMLP_ERROR_OUT_OF_DEVICE_MEMORY, with both figures and the device's in
 * the message, when they do not fit. */
CLMLP_API clmlp_status clmlp_dp_mlp_check_memory(const clmlp_context *ctx, size_t n_params,
                                                 size_t batch);

/* The hypernetwork model, family "hyper": a generator
 * Sequential(Flatten, LazyLinear(generator_hidden), ReLU, LazyLinear(n_params))
 * maps each sample to its row of n_params generated parameters, and a
 * dynamic-parameter MLP with those parameters maps the same sample to
 * logits [B, outputs]. The generator's layers start as PyTorch's do and get
 * their in_features from inputs at creation, so the parameters exist at
 * once: "generator.1.weight" [generator_hidden, inputs], "generator.1.bias",
 * "generator.3.weight" [n_params, generator_hidden], "generator.3.bias",
 * then "dp.norms.<l>.weight" and "dp.norms.<l>.bias" for each hidden layer of
 * the per-sample network, whose running statistics are the model's buffers.
 * The generator uses seeds seed and seed + 1, and dropout in hidden layer l
 * uses seed + 2 + l. Each forward pass checks the batch with
 * clmlp_dp_mlp_check_memory() first. A checkpoint stores these settings,
 * so clmlp_checkpoint_open() rebuilds the model. */
CLMLP_API clmlp_status clmlp_hyper_mlp_create(clmlp_context *ctx, size_t inputs,
                                              size_t generator_hidden, const size_t *dp_hidden,
                                              size_t dp_hidden_count, float dropout,
                                              size_t outputs, uint64_t seed, clmlp_model **model);

/* Returns n_params of a "hyper" model, or 0 for another family or NULL. */
CLMLP_API size_t clmlp_hyper_mlp_param_count(const clmlp_model *model);

#ifdef __cplusplus
}
#endif

#endif
