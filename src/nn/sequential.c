/* Sequential: children run in order, named by position. */
#include "nn/module.h"

#include <stdlib.h>

static clmlp_status sequential_forward(clmlp_module *m, clmlp_tape *tape, clmlp_tensor *x,
                                       clmlp_tensor **y)
{
    clmlp_tensor *current = x;
    for (size_t i = 0; i < m->child_count; i++) {
        clmlp_module *child = m->children[i];
        clmlp_status status = child->ops->forward(child, tape, current, &current);
        if (status != CLMLP_SUCCESS)
            return clmlp_fail_append(status, " (in child %zu, %s, of a Sequential)", i,
                                     child->ops->kind);
    }
    *y = current;
    return CLMLP_SUCCESS;
}

static const clmlp_module_ops sequential_ops = {"Sequential", sequential_forward, NULL};

clmlp_status clmlp_sequential_create(clmlp_context *ctx, clmlp_module **module)
{
    return clmlp_module_alloc(ctx, &sequential_ops, sizeof(clmlp_module), module);
}

clmlp_status clmlp_sequential_append(clmlp_module *sequential, clmlp_module *child)
{
    if (sequential == NULL || sequential->ops != &sequential_ops || child == NULL) {
        clmlp_module_free(child);
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_sequential_append: needs a "
                          "Sequential and a child module");
    }
    if (sequential->child_count == sequential->child_capacity) {
        size_t capacity = sequential->child_capacity ? sequential->child_capacity * 2 : 8;
        clmlp_module **grown = realloc(sequential->children, capacity * sizeof *grown);
        if (grown == NULL) {
            clmlp_module_free(child);
            return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "out of host memory growing a "
                              "Sequential");
        }
        sequential->children = grown;
        sequential->child_capacity = capacity;
    }
    clmlp_module_set_training(child, sequential->training);
    sequential->children[sequential->child_count++] = child;
    return CLMLP_SUCCESS;
}

size_t clmlp_sequential_length(const clmlp_module *sequential)
{
    return sequential ? sequential->child_count : 0;
}

clmlp_module *clmlp_sequential_child(const clmlp_module *sequential, size_t index)
{
    if (sequential == NULL || index >= sequential->child_count)
        return NULL;
    return sequential->children[index];
}

clmlp_status clmlp_sequential_append_created(clmlp_module *sequential, clmlp_status created,
                                             clmlp_module **child)
{
    if (created != CLMLP_SUCCESS)
        return created;
    return clmlp_sequential_append(sequential, *child);
}
