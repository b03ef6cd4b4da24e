package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A folder on disk as an {@link ImageTree}. Symbolic links are followed only when they stay inside the
 * dataset root and do not point back at a folder above them (a loop); anything else is refused, naming
 * the link, rather than read from wherever it points.
 */
final class FileTree implements ImageTree {
    private final Path root;
    private final Path realRoot;

    FileTree(Path root) {
        this.root = root;
        try {
            this.realRoot = root.toRealPath();
        } catch (IOException e) {
            throw new SmoothcalException("could not resolve " + root + ": " + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    private Path resolve(String path) {
        return path.isEmpty() ? root : root.resolve(path);
    }

    @Override
    public boolean isFolder(String path) {
        Path p = resolve(path);
        return Files.isDirectory(p) && (path.isEmpty() || safe(p));
    }

    @Override
    public boolean isFile(String path) {
        Path p = resolve(path);
        return Files.isRegularFile(p) && safe(p);
    }

    @Override
    public List<String> folders(String path) {
        return children(path, true);
    }

    @Override
    public List<String> files(String path) {
        return children(path, false);
    }

    private List<String> children(String path, boolean folders) {
        Path dir = resolve(path);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        try (Stream<Path> children = Files.list(dir)) {
            for (Path p : (Iterable<Path>) children.sorted()::iterator) {
                String name = p.getFileName().toString();
                if (name.startsWith(".")) {
                    continue;
                }
                boolean match = folders ? Files.isDirectory(p) : Files.isRegularFile(p);
                if (match && safe(p)) {
                    out.add(name);
                }
            }
        } catch (IOException e) {
            throw new SmoothcalException("could not list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * True for a plain entry; for a symbolic link, true when its target lies inside the root and is not a
     * folder above the link; otherwise an error naming the link.
     */
    private boolean safe(Path p) {
        if (!Files.isSymbolicLink(p)) {
            return true;
        }
        Path target;
        try {
            target = p.toRealPath();
        } catch (IOException e) {
            throw new SmoothcalException(p + ": expected a symbolic link inside the dataset that resolves, found one "
                    + "that does not (" + e.getMessage() + ")", e);
        }
        if (!target.startsWith(realRoot)) {
            throw new SmoothcalException(p + ": expected symbolic links to stay inside the dataset folder " + root
                    + ", found one to " + target);
        }
        Path parent;
        try {
            parent = p.toAbsolutePath().getParent().toRealPath();
        } catch (IOException e) {
            throw new SmoothcalException("could not resolve " + p.getParent() + ": " + e.getMessage(), e);
        }
        if (Files.isDirectory(target) && parent.startsWith(target)) {
            throw new SmoothcalException(p + ": expected no symbolic link loops in the dataset, found a link to "
                    + target + ", a folder above it");
        }
        return true;
    }

    @Override
    public byte[] read(String path) {
        Path p = resolve(path);
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new SmoothcalException("could not read " + p + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String display(String path) {
        return resolve(path).toString();
    }
}
