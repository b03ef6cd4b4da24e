package dev.smoothcal.core.data;

import java.util.List;

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

    /** {@code path} as messages show it: the file on disk, or {@code archive!/entry}. */
    String display(String path);

    /** {@code parent/child}, or {@code child} under the root. */
    static String join(String parent, String child) {
        return parent.isEmpty() ? child : parent + "/" + child;
    }
}
