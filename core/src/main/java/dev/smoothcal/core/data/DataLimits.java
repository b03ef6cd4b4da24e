package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.util.Locale;

/**
 * How much memory a loader may take for one split, checked before anything is allocated. A size a file
 * declares (an IDX or NumPy header, an archive entry) is believed only up to what the file can hold and
 * up to this budget; a split that needs more is refused as bad input naming the size and the budget.
 *
 * <p>What a split needs is counted as the loader holds it: 4 bytes per pixel value (float32) plus, while
 * reading, the bytes the file stores per value, plus 4 bytes per label.
 *
 * @param memoryBudgetBytes the most bytes a split may take, at least 1
 */
public record DataLimits(long memoryBudgetBytes) {
    /** Share of the JVM's maximum heap ({@link Runtime#maxMemory()}) that {@link #defaults()} allows. */
    public static final double DEFAULT_HEAP_FRACTION = 0.5;

    /**
     * Deflate cannot expand data by more than about 1032:1; a compressed file declaring more bytes than
     * {@code 1032 * its size} lies about its size.
     */
    static final long DEFLATE_MAX_RATIO = 1032;

    /**
     * Validates the budget.
     *
     * @param memoryBudgetBytes the most bytes a loader may allocate for one split, at least 1
     * @throws SmoothcalException naming {@code memoryBudget} when it is below 1
     */
    public DataLimits {
        if (memoryBudgetBytes < 1) {
            throw SmoothcalException.invalid("memoryBudget", "must be at least 1 byte, found " + memoryBudgetBytes);
        }
    }

    /**
     * The default budget: {@link #DEFAULT_HEAP_FRACTION} of the maximum heap.
     *
     * @return limits for this JVM
     */
    public static DataLimits defaults() {
        return new DataLimits(Math.max(1, (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_FRACTION)));
    }

    /**
     * Refuses {@code bytes} beyond the budget.
     *
     * @param what the data and what it declares, e.g. {@code "t.gz: 2000000000 images of 1x1x1"}
     * @param bytes what holding it takes
     * @throws SmoothcalException naming {@code data}, the size and the budget
     */
    void require(String what, long bytes) {
        if (bytes > memoryBudgetBytes || bytes < 0) {
            throw SmoothcalException.invalid("data", ": " + what + " need " + (bytes < 0 ? "more than 2^63 bytes"
                    : bytes(bytes)) + ", beyond the memory budget of " + bytes(memoryBudgetBytes)
                    + " (half the maximum heap by default; raise it with -Xmx)");
        }
    }

    /**
     * Refuses a declared size that a compressed (or plain) file of {@code fileBytes} cannot hold.
     *
     * @param what the data and what it declares
     * @param declaredBytes the uncompressed bytes the header declares
     * @param fileBytes the size of the file (or archive entry) holding them
     * @param compressed whether the bytes are deflated (then up to {@link #DEFLATE_MAX_RATIO} per stored byte)
     */
    static void requireHoldable(String what, long declaredBytes, long fileBytes, boolean compressed) {
        long most = compressed ? saturatingMultiply(fileBytes, DEFLATE_MAX_RATIO) : fileBytes;
        if (declaredBytes > most || declaredBytes < 0) {
            throw new SmoothcalException(what + " declare " + declaredBytes + " bytes, more than a "
                    + (compressed ? "compressed " : "") + "file of " + fileBytes + " bytes can hold"
                    + (compressed ? " (at most " + DEFLATE_MAX_RATIO + ":1)" : "") + " (lying header or truncated file?)");
        }
    }

    static long saturatingMultiply(long a, long b) {
        long hi = Math.multiplyHigh(a, b);
        long lo = a * b;
        return (hi == 0 && lo >= 0) ? lo : Long.MAX_VALUE;
    }

    /** {@code 1536} as "1.5 KiB", {@code 8e9} as "7.5 GiB". */
    static String bytes(long n) {
        if (n < 1024) {
            return n + " bytes";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
