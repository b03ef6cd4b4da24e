package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.ImageDecoder.Decoded;
import dev.smoothcal.core.data.ImageDecoder.Header;
import dev.smoothcal.core.data.ImageFolderLoader.Listing;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.ObjIntConsumer;

/**
 * An image folder or archive of one ({@link Listing}) read as batches: one thread reads the encoded files in
 * sample order (from disk, or inflating the archive in one pass), a pool of {@link ImageFolderLoader#decodeThreads()}
 * threads decodes them, and the calling thread gathers the images in order into batches. At most a
 * window of images is in flight ({@link #window}: two batches, at least a few images a thread), so memory
 * is bounded by the batch size and the pool, never by N.
 *
 * <p>Opening reads every image's header (not its pixels), for the shape: the size of the
 * images (or of the resize), and three channels if any image is colour. The values of every batch are
 * exactly those of {@link Listing#load} (the same decoder, resize and layout).
 */
final class ImageFolderSource implements BatchSource {
    private final Listing listing;
    private final LoadOptions options;
    private final ImageShape shape;

    private ImageFolderSource(Listing listing, LoadOptions options, ImageShape shape) {
        this.listing = listing;
        this.options = options;
        this.shape = shape;
    }

    /** Reads the headers of the listed images and opens them as a source. */
    static ImageFolderSource open(Listing listing, LoadOptions options) {
        List<String> files = listing.files();
        Header[] first = new Header[1];
        boolean[] colour = new boolean[1];
        Resize resize = options.resize().orElse(null);
        ImageTree tree = listing.tree();
        tree.headersInOrder(files, options.limits(), (h, i) -> {
            if (first[0] == null) {
                first[0] = h;
            } else if (resize == null && (h.width() != first[0].width() || h.height() != first[0].height())) {
                throw new SmoothcalException(h.file() + ": expected every image to be " + first[0].width() + "x"
                        + first[0].height() + " (width x height) like " + first[0].file() + ", found "
                        + h.width() + "x" + h.height() + " (give a resize rule to bring them to one size)");
            }
            colour[0] |= h.channels() == 3;
        });
        int width = resize == null ? first[0].width() : resize.width();
        int height = resize == null ? first[0].height() : resize.height();
        return new ImageFolderSource(listing, options, new ImageShape(height, width, colour[0] ? 3 : 1));
    }

    @Override
    public String name() {
        return listing.name();
    }

    @Override
    public ImageShape shape() {
        return shape;
    }

    @Override
    public List<String> classNames() {
        return listing.classNames();
    }

    @Override
    public int size() {
        return listing.files().size();
    }

    @Override
    public int[] labels() {
        return listing.labels();
    }

    /** Images in flight for a batch size: two batches, and at least 8 a decoding thread. */
    static int window(int batchSize) {
        return Math.max(8 * ImageFolderLoader.decodeThreads(), Math.min(2 * batchSize, 1 << 14));
    }

    @Override
    public void read(Shard shard, int batchSize, Consumer<DataBatch> consumer) {
        BatchSource.requireRange(name(), shard, batchSize, size());
        int per = shape.size();
        int from = shard.from();
        int to = shard.to();
        Resize resize = options.resize().orElse(null);
        // each batch's array is made by whichever decoding thread comes to it first; each image is written in place
        Map<Integer, float[]> open = new ConcurrentHashMap<>();
        IntFunction<float[]> batchOf = b -> new float[Math.min(batchSize, to - (from + b * batchSize)) * per];
        run(listing, from, to, window(batchSize), (file, bytes, i) -> {
            int b = (i - from) / batchSize;
            float[] batch = open.computeIfAbsent(b, batchOf::apply);
            int at = (i - from - b * batchSize) * per;
            if (resize == null) {
                Header d = ImageDecoder.decodeInto(file, bytes, options.limits(), shape.width(), shape.height(),
                        shape.channels(), batch, at);
                check(d);
                return Boolean.TRUE;
            }
            Decoded d = ImageDecoder.decode(file, bytes, options.limits());
            d = new Decoded(d.file(), resize.width(), resize.height(), d.channels(),
                    resize.apply(d.samples(), d.height(), d.width(), d.channels()));
            check(new Header(d.file(), d.width(), d.height(), d.channels()));
            ImageFolderLoader.toFloat(d, shape.channels(), batch, at);
            return Boolean.TRUE;
        }, (done, i) -> {
            int b = (i - from) / batchSize;
            int start = from + b * batchSize;
            int count = Math.min(batchSize, to - start);
            if (i == start + count - 1) {
                consumer.accept(new DataBatch(start, count, shape, open.remove(b),
                        Arrays.copyOfRange(listing.labels(), start, start + count)));
            }
        });
    }

    /** Refuses an image that decoded to another size or to colour where the headers said grey. */
    private void check(Header d) {
        if (d.width() != shape.width() || d.height() != shape.height()) {
            throw new SmoothcalException(d.file() + ": expected every image to be " + shape.width() + "x"
                    + shape.height() + " (width x height) as its header said when opened, found " + d.width() + "x"
                    + d.height());
        }
        if (d.channels() == 3 && shape.channels() == 1) {
            throw new SmoothcalException(d.file() + ": expected a grey image as its header said when opened, "
                    + "found a colour one");
        }
    }

    /** Work on one file's bytes, given its display name and its index in the listing. */
    @FunctionalInterface
    interface Work<T> {
        T apply(String file, byte[] bytes, int index);
    }

    private static final Object END = new Object();

    /**
     * Reads the files {@code [from, to)} of the listing in order on a reader thread, applies {@code work}
     * (given the file's display name, its bytes and its index) on the decoding pool, and hands each result with its
     * index to {@code sink} on the calling thread, in order, at most {@code window} results ahead. An
     * exception anywhere stops all and is rethrown to the caller as it was (a {@link SmoothcalException}
     * naming the file for a bad image or archive).
     */
    static <T> void run(Listing listing, int from, int to, int window, Work<T> work,
            ObjIntConsumer<T> sink) {
        if (from == to) {
            return;
        }
        ImageTree tree = listing.tree();
        List<String> files = listing.files();
        BlockingQueue<Object> inFlight = new ArrayBlockingQueue<>(window);
        ExecutorService pool = Executors.newFixedThreadPool(ImageFolderLoader.decodeThreads(), r -> {
            Thread t = new Thread(r, "smoothcal-decode");
            t.setDaemon(true);
            return t;
        });
        Thread reader = new Thread(() -> {
            try {
                tree.readInOrder(files, from, to, (bytes, i) -> {
                    String file = tree.display(files.get(i));
                    Future<T> f = pool.submit(() -> work.apply(file, bytes, i));
                    try {
                        inFlight.put(f);
                    } catch (InterruptedException e) {
                        f.cancel(true);
                        throw new Stopped();
                    }
                });
            } catch (Stopped stopped) {
                return;
            } catch (Throwable t) {
                inFlight.clear();
                inFlight.offer(CompletableFuture.failedFuture(t));
                return;
            }
            try {
                inFlight.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "smoothcal-read-" + listing.name());
        reader.setDaemon(true);
        reader.start();
        boolean done = false;
        try {
            for (int i = from; ; i++) {
                Object next = inFlight.take();
                if (next == END) {
                    break;
                }
                @SuppressWarnings("unchecked")
                Future<T> f = (Future<T>) next;
                sink.accept(result(f), i);
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SmoothcalException.defect("interrupted while reading " + listing.name(), e);
        } finally {
            if (!done) {
                reader.interrupt();
            }
            pool.shutdownNow();
            try {
                reader.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (!done) {
                List<Object> left = new ArrayList<>();
                inFlight.drainTo(left);
                left.stream().filter(Future.class::isInstance).forEach(f -> ((Future<?>) f).cancel(true));
            }
        }
    }

    private static <T> T result(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r) {
                throw r;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new SmoothcalException("could not read images: " + cause.getMessage(), cause);
        } catch (CancellationException e) {
            throw SmoothcalException.defect("image decoding was cancelled", e);
        }
    }

    /** Unwinds the reader when the consumer has stopped. */
    private static final class Stopped extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stopped() {
            super(null, null, false, false);
        }
    }
}
