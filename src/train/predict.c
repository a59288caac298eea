/* Prediction on host inputs: one forward pass in evaluation mode, then the
 * softmax on the host in double precision. */
#include "clmlp/predict.h"

#include <math.h>
#include <stdlib.h>

#include "models/model.h"

/* Writes the softmax of each row of logits [rows, classes] and its argmax. */
static void softmax_rows(const float *logits, size_t rows, size_t classes, float *probabilities,
                         int32_t *labels)
{
    for (size_t r = 0; r < rows; r++) {
        const float *row = logits + r * classes;
        size_t best = 0;
        for (size_t c = 1; c < classes; c++)
            if (row[c] > row[best])
                best = c;
        if (labels != NULL)
            labels[r] = (int32_t)best;
        if (probabilities == NULL)
            continue;

        /* Subtracting the maximum keeps exp() from overflowing. */
        double sum = 0;
        for (size_t c = 0; c < classes; c++)
            sum += exp((double)row[c] - (double)row[best]);
        for (size_t c = 0; c < classes; c++)
            probabilities[r * classes + c] = (float)(exp((double)row[c] - (double)row[best]) / sum);
    }
}

/* Runs the forward pass and copies the logits to host memory. */
static clmlp_status forward_logits(clmlp_model *model, clmlp_tape *tape, const float *inputs,
                                   size_t batch, size_t features, size_t classes, float *logits)
{
    size_t shape[2] = {batch, features};
    clmlp_tensor *x = NULL, *out = NULL;
    CLMLP_TRY(clmlp_tensor_from_host(model->ctx, CLMLP_FLOAT32, 2, shape, inputs, &x));
    clmlp_status status = clmlp_model_forward(model, tape, x, &out);
    if (status == CLMLP_SUCCESS && (out->ndim != 2 || out->shape[0] != batch ||
                                    out->shape[1] != classes))
        status = clmlp_fail(CLMLP_ERROR_SHAPE, "clmlp_predict: the model produces %zu classes, "
                            "but %zu were requested", out->ndim == 2 ? out->shape[1] : 0, classes);
    if (status == CLMLP_SUCCESS)
        status = clmlp_tensor_read(out, logits, batch * classes);
    clmlp_tape_reset(tape);
    clmlp_tensor_free(x);
    return status;
}

clmlp_status clmlp_predict(clmlp_model *model, const float *inputs, size_t batch, size_t features,
                           size_t classes, float *probabilities, int32_t *labels)
{
    if (model == NULL || inputs == NULL)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_predict: NULL model or inputs");
    if (batch == 0 || features == 0 || classes == 0)
        return clmlp_fail(CLMLP_ERROR_INVALID_ARGUMENT, "clmlp_predict: batch %zu, features %zu "
                          "and classes %zu must be positive", batch, features, classes);

    float *logits = malloc(batch * classes * sizeof *logits);
    if (logits == NULL)
        return clmlp_fail(CLMLP_ERROR_OUT_OF_HOST_MEMORY, "clmlp_predict: out of host memory "
                          "for %zu x %zu logits", batch, classes);
    clmlp_tape *tape = NULL;
    clmlp_status status = clmlp_tape_create(model->ctx, &tape);

    bool was_training = clmlp_model_training(model);
    clmlp_model_set_training(model, false);
    if (status == CLMLP_SUCCESS) {
        clmlp_tape_set_recording(tape, false);
        status = forward_logits(model, tape, inputs, batch, features, classes, logits);
    }
    clmlp_model_set_training(model, was_training);

    if (status == CLMLP_SUCCESS)
        softmax_rows(logits, batch, classes, probabilities, labels);
    clmlp_tape_free(tape);
    free(logits);
    return status;
}
