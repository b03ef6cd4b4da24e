package dev.smoothcal.core.data;

import java.util.List;
import java.util.function.ObjIntConsumer;

/**
 * A read-only tree of folders and files that an image dataset is laid out in: a folder on disk or an
 * archive read in place. Paths are relative, {@code /}-separated, without a leading or trailing
 * {@code /}; the root is {@code ""}.
 */
interface ImageTree {
    /** Whether {@code path} is a folder of the tree. */
    boolean isFolder(String path);

    /** The names of the sub-folders of {@code path} (not starting with {@code .}), sorted; empty if none. */
    List<String> folders(String path);

    /** The names of the regular files directly in {@code path} (not starting with {@code .}), sorted. */
    List<String> files(String path);

    /** Whether {@code path} is a regular file of the tree. */
    boolean isFile(String path);

    /** The bytes of file {@code path}. */
    byte[] read(String path);

    /**
     * Hands {@code sink} the bytes of the files {@code paths[from, to)} in that order, with their index; by
     * default each read with {@link #read}.
     */
    default void readInOrder(List<String> paths, int from, int to, ObjIntConsumer<byte[]> sink) {
        for (int i = from; i < to; i++) {
            sink.accept(read(paths.get(i)), i);
        }
    }

    /**
     * Hands {@code sink} the header of each image file {@code paths[0, size)} in that order, with its index;
     * by default read from the files' bytes ({@link ImageDecoder#quickHeader}).
     */
    default void headersInOrder(List<String> paths, DataLimits limits, ObjIntConsumer<ImageDecoder.Header> sink) {
        readInOrder(paths, 0, paths.size(), (bytes, i) -> sink.accept(
                ImageDecoder.quickHeader(display(paths.get(i)), bytes, limits), i));
    }

    /** {@code path} as messages show it: the file on disk, or {@code archive!/entry}. */
    String display(String path);

    /** {@code parent/child}, or {@code child} under the root. */
    static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "/" + child;
    }
}
