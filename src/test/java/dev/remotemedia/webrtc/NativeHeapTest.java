package dev.remotemedia.webrtc;

import com.sun.jna.Native;
import dev.remotemedia.bench.ProcessStats;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What `malloc-trim-every-sessions` relies on: free pages in the middle of a fragmented glibc
 * heap (which glibc keeps on its own) go back to the OS when trimmed.
 */
class NativeHeapTest {
    @Test
    void freePagesOfAFragmentedNativeHeapGoBackToTheOs() {
        assertTrue(NativeHeap.available(), "malloc_trim through JNA on Linux/glibc");
        int chunks = 64 * 1024, size = 1024; // 64 MB in 1 KB pieces
        long[] p = new long[chunks];
        for (int i = 0; i < chunks; i++) {
            p[i] = Native.malloc(size);
            new com.sun.jna.Pointer(p[i]).setMemory(0, size, (byte) 1); // touched: resident
        }
        for (int i = 0; i < chunks; i++) if (i % 64 != 0) Native.free(p[i]); // one in 64 stays: no page can merge into the top
        double before = ProcessStats.rssMb();
        assertTrue(NativeHeap.trim(), "pages were released");
        double after = ProcessStats.rssMb();
        for (int i = 0; i < chunks; i += 64) Native.free(p[i]);
        assertTrue(before - after > 30, "RSS " + before + " → " + after + " MB after trimming ≈ 63 MB of free pieces");
    }
}
