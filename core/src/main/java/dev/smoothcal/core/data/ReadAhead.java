package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Consumer;

/**
 * Runs a producer of batches on a background thread, at most {@code depth} batches ahead of the
 * consumer, which runs on the calling thread. An exception on either side stops both and is rethrown
 * to the caller.
 */
final class ReadAhead {
    /** Batches a producer may run ahead of the consumer. */
    static final int DEPTH = 2;
    private static final Object END = new Object();

    /** Produces batches into the sink until done. */
    @FunctionalInterface
    interface Producer {
        void produce(Consumer<DataBatch> sink) throws Exception;
    }

    private ReadAhead() {
    }

    static void run(String name, Producer producer, Consumer<DataBatch> consumer) {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(DEPTH);
        Throwable[] failure = new Throwable[1];
        Thread thread = new Thread(() -> {
            try {
                producer.produce(batch -> {
                    try {
                        queue.put(batch);
                    } catch (InterruptedException e) {
                        throw new Stop();
                    }
                });
            } catch (Stop stop) {
                return;
            } catch (Throwable t) {
                failure[0] = t;
            }
            try {
                queue.put(END);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "smoothcal-read-" + name);
        thread.setDaemon(true);
        thread.start();
        boolean done = false;
        try {
            while (true) {
                Object next = queue.take();
                if (next == END) {
                    break;
                }
                consumer.accept((DataBatch) next);
            }
            done = true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SmoothcalException.defect("interrupted while reading " + name, e);
        } finally {
            if (!done) {
                thread.interrupt();
            }
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (failure[0] instanceof RuntimeException r) {
            throw r;
        }
        if (failure[0] instanceof Error err) {
            throw err;
        }
        if (failure[0] != null) {
            throw new SmoothcalException("could not read " + name + ": " + failure[0].getMessage(), failure[0]);
        }
    }

    /** Unwinds the producer when the consumer has stopped. */
    private static final class Stop extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Stop() {
            super(null, null, false, false);
        }
    }
}
