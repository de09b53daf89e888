/* The answer of an exit under the image's out-of-scope rejection rule (docs/numerics.md, "Exit answer"). */
#include "nano_intent/ni_kernels.h"
#include "nano_intent/ni_runtime.h"

int ni_exit_answer(const ni_model *model, const int32_t *logits, uint32_t n_labels, int32_t entropy_q16, int32_t *answer)
{
    if (model == NULL || logits == NULL || answer == NULL || model->qp == NULL) return NI_ERR_NULL;
    if (n_labels != model->dims.num_labels) return NI_ERR_LABELS_COUNT;
    uint32_t argmax = 0;
    int32_t confidence = ni_confidence_q16(logits, n_labels, model->qp->exp2_frac, &argmax);
    *answer = ni_image_answer(&model->image, argmax, entropy_q16, confidence);
    return NI_OK;
}
