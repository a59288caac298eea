/* The configurable fully connected block. */
#include <ctype.h>
#include <string.h>

#include "core/config.h"
#include "models/model.h"
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

static const struct {
    const char *name;
    clmlp_activation value;
} activation_names[] = {
    {"relu", CLMLP_ACTIVATION_RELU},
    {"tanh", CLMLP_ACTIVATION_TANH},
    {"leakyrelu", CLMLP_ACTIVATION_LEAKY_RELU},
};

#define ACTIVATION_COUNT (sizeof activation_names / sizeof activation_names[0])

/* Returns the name that clmlp_activation_parse() reads back; check_options()
 * has rejected values without one. */
static const char *activation_name(clmlp_activation activation)
{
    for (size_t i = 0; i < ACTIVATION_COUNT; i++)
        if (activation_names[i].value == activation)
            return activation_names[i].name;
    return "relu";
}

clmlp_status clmlp_activation_parse(const char *name, clmlp_activation *activation)
{
    if (activation == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_activation_parse: NULL output");
    for (size_t i = 0; name != NULL && i < ACTIVATION_COUNT; i++) {
        if (equal_ignoring_case(name, activation_names[i].name)) {
            *activation = activation_names[i].value;
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

/* Writes the settings that clmlp_fc_from_config() reads back. */
static clmlp_status write_config(const clmlp_fc_options *o, cJSON *config)
{
    CLMLP_TRY(clmlp_config_add_number(config, "inputs", (double)o->inputs));
    CLMLP_TRY(clmlp_config_add_size_list(config, "hidden", o->sizes, o->size_count - 1));
    CLMLP_TRY(clmlp_config_add_number(config, "outputs", (double)o->sizes[o->size_count - 1]));
    CLMLP_TRY(clmlp_config_add_text(config, "activation", activation_name(o->activation)));
    CLMLP_TRY(clmlp_config_add_bool(config, "batch_norm", o->batch_norm));
    CLMLP_TRY(clmlp_config_add_float(config, "dropout", o->dropout));
    CLMLP_TRY(clmlp_config_add_bool(config, "sigmoid", o->sigmoid));
    return clmlp_config_add_seed(config, "seed", o->seed);
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
    CLMLP_TRY(clmlp_model_from_module(net, "fc", "net", model));

    cJSON *config = cJSON_CreateObject();
    status = config != NULL ? write_config(options, config)
                            : clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory "
                                         "creating an FC block");
    if (status == CLMLP_SUCCESS)
        return clmlp_module_model_set_config(*model, config);
    cJSON_Delete(config);
    clmlp_model_free(*model);
    *model = NULL;
    return status;
}

clmlp_status clmlp_fc_from_config(clmlp_context *ctx, const cJSON *config, clmlp_model **model)
{
    const size_t max = CLMLP_MAX_CONFIG_SIZE;
    size_t sizes[CLMLP_MAX_CONFIG_LAYERS + 1], hidden_count;
    clmlp_fc_options o = clmlp_fc_default();
    const char *activation = activation_name(o.activation);
    double dropout = o.dropout;
    CLMLP_TRY(clmlp_config_size(config, "FC block", "inputs", 1, max, &o.inputs));
    CLMLP_TRY(clmlp_config_size_list(config, "FC block", "hidden", 1, max, 0,
                                     CLMLP_MAX_CONFIG_LAYERS, sizes, &hidden_count));
    CLMLP_TRY(clmlp_config_size(config, "FC block", "outputs", 1, max, &sizes[hidden_count]));
    CLMLP_TRY(clmlp_config_text(config, "FC block", "activation", &activation));
    CLMLP_TRY(clmlp_config_bool(config, "FC block", "batch_norm", &o.batch_norm));
    CLMLP_TRY(clmlp_config_number(config, "FC block", "dropout", &dropout));
    CLMLP_TRY(clmlp_config_bool(config, "FC block", "sigmoid", &o.sigmoid));
    CLMLP_TRY(clmlp_config_seed(config, "FC block", "seed", &o.seed));
    CLMLP_TRY(clmlp_activation_parse(activation, &o.activation));
    o.sizes = sizes;
    o.size_count = hidden_count + 1;
    o.dropout = (float)dropout;
    return clmlp_fc_create(ctx, &o, model);
}
