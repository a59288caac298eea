/* View op: a tensor that shares its base's buffer and its base's gradient. */
#include "clmlp/batched.h"

#include "autograd/tape.h"

/* The view's gradient is a view of base's gradient, so ops add into the
 * right region of it directly and there is nothing left to do here. */
static clmlp_status view_backward(clmlp_node *node)
{
    (void)node;
    return CLMLP_SUCCESS;
}

/* Returns the number of elements from a tensor's first element to its last. */
static size_t span(int ndim, const size_t *shape, const size_t *strides)
{
    size_t last = 0;
    for (int i = 0; i < ndim; i++)
        last += (shape[i] - 1) * strides[i];
    return last + 1;
}

static bool same_strides(const clmlp_tensor *a, const clmlp_tensor *b)
{
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != 1 && a->strides[i] != b->strides[i])
            return false;
    return true;
}

/* Points the view's gradient at the matching region of base's gradient. */
static clmlp_status alias_grad(clmlp_tensor *base, clmlp_tensor *view, const size_t *strides,
                               size_t offset)
{
    clmlp_tensor *base_grad = NULL;
    CLMLP_TRY(clmlp_tensor_ensure_grad(base, &base_grad));
    if (!same_strides(base, base_grad))
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_view: the base is neither contiguous nor a "
                          "view made by clmlp_view, so its gradient has another layout");
    return clmlp_tensor_view(base_grad, view->ndim, view->shape, strides,
                             base_grad->offset + offset, &view->grad);
}

clmlp_status clmlp_view(clmlp_tape *tape, clmlp_tensor *base, int ndim, const size_t *shape,
                        const size_t *strides, size_t offset, clmlp_tensor **out)
{
    if (tape == NULL || base == NULL || shape == NULL || strides == NULL || out == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_view: NULL argument");
    if (ndim < 1 || ndim > CLMLP_MAX_DIMS)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_view: a view needs 1 to %d dimensions, not %d",
                          CLMLP_MAX_DIMS, ndim);
    for (int i = 0; i < ndim; i++)
        if (shape[i] == 0)
            return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_view: dimension %d of the view is 0", i);

    /* The view's last element must lie within base's elements. */
    size_t base_span = span(base->ndim, base->shape, base->strides);
    size_t view_span = offset + span(ndim, shape, strides);
    char base_shape[96];
    clmlp_format_shape(base, base_shape, sizeof base_shape);
    if (view_span > base_span)
        return clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_view: the view ends at element %zu of a base "
                          "%s that spans %zu elements", view_span - 1, base_shape, base_span);

    CLMLP_TRY(clmlp_tensor_view(base, ndim, shape, strides, base->offset + offset, out));
    clmlp_tensor *view = *out;
    CLMLP_TRY(clmlp_tape_adopt(tape, view));

    clmlp_node *node = NULL;
    CLMLP_TRY(clmlp_tape_record(tape, "view", view_backward, view, &base, 1, &node));
    if (node == NULL)
        return CLMLP_SUCCESS;
    return alias_grad(base, view, strides, offset);
}
