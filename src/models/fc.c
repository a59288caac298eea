/* The configurable fully connected block. */
#include <ctype.h>
#include <string.h>

#include "nn/init.h"
#include "nn/module.h"

#define ACTIVATION_NAMES "relu, tanh, leakyrelu"

static bool equal_ignoring_case(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b))
            return false;
    return *a == *b;
}

clmlp_status clmlp_activation_parse(const char *name, clmlp_activation *activation)
{
    static const struct {
        const char *name;
        clmlp_activation value;
    } table[] = {
        {"relu", CLMLP_ACTIVATION_RELU},
        {"tanh", CLMLP_ACTIVATION_TANH},
        {"leakyrelu", CLMLP_ACTIVATION_LEAKY_RELU},
    };
    if (activation == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_activation_parse: NULL output");
    for (size_t i = 0; name != NULL && i < sizeof table / sizeof table[0]; i++) {
        if (equal_ignoring_case(name, table[i].name)) {
            *activation = table[i].value;
            return CLMLP_SUCCESS;
        }
    }
    return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "unknown activation \"%s\"; the accepted "
                      "names are " ACTIVATION_NAMES, name ? name : "(null)");
}

clmlp_fc_options clmlp_fc_default(void)
{
    return (clmlp_fc_options){.activation = CLMLP_ACTIVATION_RELU};
}

static clmlp_status check_options(const clmlp_fc_options *o)
{
    if (o->inputs == 0 || o->sizes == NULL || o->size_count == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "FC block: needs at least one input "
                          "feature and one layer size");
    for (size_t i = 0; i < o->size_count; i++)
        if (o->sizes[i] == 0)
            return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "FC block: layer size %zu is 0", i);
    if (o->activation != CLMLP_ACTIVATION_RELU && o->activation != CLMLP_ACTIVATION_TANH &&
        o->activation != CLMLP_ACTIVATION_LEAKY_RELU)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "FC block: unknown activation %d; the "
                          "accepted activations are " ACTIVATION_NAMES, (int)o->activation);
    if (!(o->dropout >= 0.0f && o->dropout < 1.0f))
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "FC block: dropout %g must be in [0, 1)",
                          (double)o->dropout);
    return CLMLP_SUCCESS;
}

static clmlp_status create_activation(clmlp_context *ctx, clmlp_activation activation,
                                      clmlp_module **module)
{
    if (activation == CLMLP_ACTIVATION_TANH)
        return clmlp_tanh_create(ctx, module);
    if (activation == CLMLP_ACTIVATION_LEAKY_RELU)
        return clmlp_leaky_relu_create(ctx, CLMLP_LEAKY_RELU_SLOPE, module);
    return clmlp_relu_create(ctx, module);
}

/* Appends the layers in order; every module's seed derives from its
 * position in the Sequential. */
static clmlp_status append_layers(clmlp_context *ctx, const clmlp_fc_options *o,
                                  clmlp_module *net)
{
    clmlp_module *child = NULL;
    uint64_t seed = o->seed;
    CLMLP_TRY(clmlp_sequential_append_created(
        net, clmlp_linear_create(ctx, o->inputs, o->sizes[0], true, clmlp_layer_seed(seed, 0),
                                 &child), &child));

    for (size_t i = 1; i < o->size_count; i++) {
        size_t previous = o->sizes[i - 1];
        if (o->batch_norm)
            CLMLP_TRY(clmlp_sequential_append_created(
                net, clmlp_batch_norm1d_create(ctx, previous, NULL, &child), &child));
        CLMLP_TRY(clmlp_sequential_append_created(net, create_activation(ctx, o->activation, &child),
                                                  &child));
        if (o->dropout > 0.0f)
            CLMLP_TRY(clmlp_sequential_append_created(
                net, clmlp_dropout_create(ctx, o->dropout,
                                          clmlp_layer_seed(seed, clmlp_sequential_length(net)),
                                          &child), &child));
        CLMLP_TRY(clmlp_sequential_append_created(
            net, clmlp_linear_create(ctx, previous, o->sizes[i], true,
                                     clmlp_layer_seed(seed, clmlp_sequential_length(net)), &child),
            &child));
    }

    if (o->sigmoid)
        CLMLP_TRY(clmlp_sequential_append_created(net, clmlp_sigmoid_create(ctx, &child), &child));
    return CLMLP_SUCCESS;
}

clmlp_status clmlp_fc_create(clmlp_context *ctx, const clmlp_fc_options *options,
                             clmlp_model **model)
{
    if (model == NULL || options == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_fc_create: NULL argument");
    *model = NULL;
    CLMLP_TRY(check_options(options));

    clmlp_module *net = NULL;
    CLMLP_TRY(clmlp_sequential_create(ctx, &net));
    clmlp_status status = append_layers(ctx, options, net);
    if (status != CLMLP_SUCCESS) {
        clmlp_module_free(net);
        return status;
    }
    return clmlp_model_from_module(net, "fc", "net", model);
}
