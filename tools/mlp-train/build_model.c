/* Model, optimizer and task construction from mlp-train's options. */
#include "build_model.h"

#include <stdlib.h>
#include <string.h>

train_task task_from_options(const train_options *o)
{
    train_task task = {CLMLP_LOSS_CROSS_ENTROPY, 0};
    if (o->positive_classes == NULL)
        return task;
    long long positives[MAX_LIST_ITEMS];
    size_t count = 0;
    /* options.c has already checked the list. */
    parse_number_list(o->positive_classes, 0, 9, positives, &count);
    for (size_t i = 0; i < count; i++)
        task.positive_classes |= (uint64_t)1 << positives[i];
    task.loss = o->sigmoid ? CLMLP_LOSS_BCE : CLMLP_LOSS_BCE_WITH_LOGITS;
    return task;
}

size_t task_outputs(const train_options *o, size_t classes)
{
    return o->positive_classes == NULL ? classes : 1;
}

clmlp_status apply_task_labels(const train_task *task, clmlp_dataset *dataset)
{
    if (task->positive_classes == 0)
        return CLMLP_SUCCESS;
    int map[10] = {0};
    for (int c = 0; c < 10; c++)
        map[c] = (int)(task->positive_classes >> c & 1u);
    return clmlp_dataset_set_label_map(dataset, map, 10);
}

/* Creates the hypernetwork and checks that a full batch of its generated
 * parameters fits the device before training starts. */
static clmlp_status build_hyper(clmlp_context *ctx, const train_options *o, size_t inputs,
                                size_t hidden, size_t outputs, clmlp_model **model)
{
    long long listed[MAX_LIST_ITEMS];
    size_t dp_hidden[MAX_LIST_ITEMS], count = 0;
    /* options.c has already checked the list. */
    if (o->dp_hidden != NULL)
        parse_number_list(o->dp_hidden, 1, 1 << 20, listed, &count);
    for (size_t i = 0; i < count; i++)
        dp_hidden[i] = (size_t)listed[i];

    clmlp_status status = clmlp_hyper_mlp_create(ctx, inputs, hidden, dp_hidden, count, 0.0f,
                                                 outputs, (uint64_t)o->seed, model);
    if (status != CLMLP_SUCCESS)
        return status;
    return clmlp_dp_mlp_check_memory(ctx, clmlp_hyper_mlp_param_count(*model),
                                     (size_t)o->batch_size);
}

static clmlp_status build_fc(clmlp_context *ctx, const train_options *o, size_t inputs,
                             size_t outputs, clmlp_model **model)
{
    long long hidden[MAX_LIST_ITEMS];
    size_t count = 0;
    parse_number_list(o->hidden, 1, 1 << 20, hidden, &count);
    size_t sizes[MAX_LIST_ITEMS + 1];
    for (size_t i = 0; i < count; i++)
        sizes[i] = (size_t)hidden[i];
    sizes[count] = outputs;

    clmlp_fc_options fc = clmlp_fc_default();
    clmlp_status status = clmlp_activation_parse(o->activation, &fc.activation);
    if (status != CLMLP_SUCCESS)
        return status;
    fc.inputs = inputs;
    fc.sizes = sizes;
    fc.size_count = count + 1;
    fc.batch_norm = o->batch_norm != 0;
    fc.dropout = (float)o->dropout;
    fc.sigmoid = o->sigmoid != 0;
    fc.seed = (uint64_t)o->seed;
    return clmlp_fc_create(ctx, &fc, model);
}

clmlp_status build_model(clmlp_context *ctx, const train_options *o, size_t inputs, size_t classes,
                         clmlp_model **model)
{
    size_t outputs = task_outputs(o, classes);
    size_t hidden = (size_t)strtoull(o->hidden, NULL, 10);
    if (strcmp(o->model, "fc") == 0)
        return build_fc(ctx, o, inputs, outputs, model);
    if (strcmp(o->model, "hyper") == 0)
        return build_hyper(ctx, o, inputs, hidden, outputs, model);
    if (strcmp(o->model, "concise") != 0)
        return clmlp_scratch_mlp_create(ctx, inputs, hidden, outputs, (uint64_t)o->seed, model);

    clmlp_status status = clmlp_concise_mlp_create(ctx, hidden, outputs, (uint64_t)o->seed, model);
    /* The optimizer needs the lazy layers' parameters before training starts. */
    size_t input_shape[2] = {1, inputs};
    if (status == CLMLP_SUCCESS)
        status = clmlp_module_materialize(clmlp_model_module(*model), 2, input_shape);
    return status;
}

clmlp_status build_optimizer(clmlp_context *ctx, const train_options *o, clmlp_model *model,
                             clmlp_optimizer **optimizer)
{
    clmlp_tensor *const *params = NULL;
    size_t count = 0;
    clmlp_status status = clmlp_model_parameters(model, &params, NULL, &count);
    if (status != CLMLP_SUCCESS)
        return status;

    if (strcmp(o->optimizer, "sgd") == 0) {
        clmlp_sgd_options sgd = clmlp_sgd_default();
        sgd.lr = (float)o->lr;
        sgd.momentum = (float)o->momentum;
        sgd.weight_decay = (float)o->weight_decay;
        return clmlp_sgd_create(ctx, params, count, &sgd, optimizer);
    }
    clmlp_adam_options adam = clmlp_adam_default();
    adam.lr = (float)o->lr;
    adam.weight_decay = (float)o->weight_decay;
    if (strcmp(o->optimizer, "adamw") == 0)
        return clmlp_adamw_create(ctx, params, count, &adam, optimizer);
    return clmlp_adam_create(ctx, params, count, &adam, optimizer);
}
