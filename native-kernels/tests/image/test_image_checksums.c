/* Known answers of CRC-32/ISO-HDLC and SHA-256 (FIPS 180-4 examples), including streaming in odd pieces. */
#include <string.h>
#include "test_util.h"

static void hex(const uint8_t *d, char *out)
{
    int i;
    for (i = 0; i < 32; i++) sprintf(out + 2 * i, "%02x", d[i]);
}

static void check_sha(const uint8_t *msg, uint32_t len, uint32_t piece, const char *want)
{
    ni_sha256 s;
    uint8_t d[32];
    char h[65];
    uint32_t off = 0;
    ni_sha256_init(&s);
    while (off < len) {
        uint32_t n = len - off < piece ? len - off : piece;
        ni_sha256_update(&s, msg + off, n);
        off += n;
    }
    ni_sha256_final(&s, d);
    hex(d, h);
    if (strcmp(h, want) != 0) fprintf(stderr, "sha256 len %u piece %u: %s\n", (unsigned)len, (unsigned)piece, h);
    CHECK(strcmp(h, want) == 0);
}

int main(void)
{
    static uint8_t million[1000000];
    const char *abc448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    uint32_t crc;
    CHECK(ni_crc32_update(0, (const uint8_t *)"123456789", 9) == 0xCBF43926u);
    CHECK(ni_crc32_update(0, (const uint8_t *)"", 0) == 0u);
    crc = ni_crc32_update(0, (const uint8_t *)"1234", 4);
    CHECK(ni_crc32_update(crc, (const uint8_t *)"56789", 5) == 0xCBF43926u);
    CHECK(ni_crc32_update(0, (const uint8_t *)"The quick brown fox jumps over the lazy dog", 43) == 0x414FA339u);

    check_sha((const uint8_t *)"", 0, 1, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    check_sha((const uint8_t *)"abc", 3, 1, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    check_sha((const uint8_t *)abc448, 56, 7, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    check_sha((const uint8_t *)abc448, 56, 64, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    memset(million, 'a', sizeof million);
    check_sha(million, sizeof million, 1000000, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    check_sha(million, sizeof million, 97, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
    return ni_test_finish("image_checksums");
}
