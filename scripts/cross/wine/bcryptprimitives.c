/* Test-only stand-in for Windows' bcryptprimitives.dll, which Wine 8 (Debian 12) lacks.
 *
 * Rust's standard library (1.78 and later) draws its randomness from ProcessPrng in that DLL, so without
 * it every Rust program dies at start under this Wine. This one export fills the buffer from advapi32's
 * RtlGenRandom (exported as SystemFunction036), which Wine has. It is placed next to the .exe under test
 * and never shipped: real Windows has the DLL. Built with
 *   x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll bcryptprimitives.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length)
{
    while (length > 0) {
        ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, chunk))
            return FALSE;
        data += chunk;
        length -= chunk;
    }
    return TRUE;
}
