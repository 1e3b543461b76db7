package dev.remotemedia.load;

import java.nio.file.Files;
import java.nio.file.Path;

/** CPU ticks and RSS of a process from /proc (Linux). */
final class ProcStats {
    private ProcStats() {}

    /** utime + stime in clock ticks (100 per second on Linux), or -1. */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (Exception e) {
            return -1;
        }
    }

    static double rssMb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (Exception ignored) {
            // process gone
        }
        return -1;
    }
}
