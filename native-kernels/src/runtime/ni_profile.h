/* Step marks for instruction profiles (bench/mcu): a build with NI_PROFILE_STEPS calls ni_profile_step(s) where a
 * step of the runtime begins, and the profiling harness, which defines that function, charges the instructions
 * from there to the next mark to step s. Every other build compiles the marks to nothing. Internal. */
#ifndef NANO_INTENT_NI_PROFILE_H
#define NANO_INTENT_NI_PROFILE_H

typedef enum ni_profile_step_id {
    NI_STEP_OTHER = 0,   /* outside the marked steps (argument checks, the caller) */
    NI_STEP_EMBED,       /* embedding sums, LayerNorm, the mapping into H */
    NI_STEP_QKV,         /* the layer input as Q/K/V's input, their GEMM and epilogue */
    NI_STEP_ATTENTION,   /* scores and context (softmax or Bi-Attention) */
    NI_STEP_DENSE,       /* the context as Dense's input, the residual, Dense's GEMM and residual epilogue */
    NI_STEP_LN_ATTN,     /* the attention LayerNorm */
    NI_STEP_FFN,         /* the FFN input, its GEMM, GELU and the FFN output's input */
    NI_STEP_FFN_OUT,     /* the residual, the FFN output's GEMM and residual epilogue */
    NI_STEP_LN_FULL,     /* the layer's final LayerNorm */
    NI_STEP_EXIT,        /* pooler, tanh, classifier, entropy */
    NI_STEP_COUNT
} ni_profile_step_id;

#ifdef NI_PROFILE_STEPS
void ni_profile_step(ni_profile_step_id step);
#define NI_PROFILE_STEP(s) ni_profile_step(s)
#else
#define NI_PROFILE_STEP(s) ((void)0)
#endif

#endif
