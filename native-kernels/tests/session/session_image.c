#include <stdio.h>
#include "nano_intent/ni_runtime.h"
#include "session_image.h"

tb_options si_options(void)
{
    static ni_model m;
    tb_options opt = tb_default_options();
    ni_model_init(&m, &opt.dims);
    opt.arena_bytes = ni_arena_bytes(&m); /* ni_open requires the header's arena size to match */
    return opt;
}

uint32_t si_build(uint8_t *buf, uint32_t cap, tb_options opt, tb_layout *layout)
{
    static ni_model m;
    ni_model_init(&m, &opt.dims);
    opt.arena_bytes = ni_arena_bytes(&m);
    tb_layout own;
    return tb_build(buf, cap, &opt, layout != NULL ? layout : &own);
}

int si_write_file(const char *path, const uint8_t *p, uint32_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL) return 0;
    int ok = fwrite(p, 1, len, f) == len;
    return fclose(f) == 0 && ok;
}
