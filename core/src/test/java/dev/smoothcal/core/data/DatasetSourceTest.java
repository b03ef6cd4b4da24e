package dev.smoothcal.core.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.smoothcal.core.SmoothcalException;
import dev.smoothcal.core.data.SpecFiles.Compression;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetSourceTest {
    @TempDir
    Path dir;

    @Test
    void unknownNameOrMissingPathSaysWhatIsAccepted() {
        assertEquals("data: expected the built-in dataset name 'digits' or an existing path, found 'mnist-fancy' "
                + "(no such file or folder)", message("mnist-fancy"));
        assertTrue(message(dir.resolve("absent").toString()).contains("found '" + dir.resolve("absent") + "'"));
        assertEquals("data must name a built-in dataset (digits) or a path, found nothing", message(" "));
        assertEquals("data must name a built-in dataset (digits) or a path, found nothing", message(null));
    }

    @Test
    void folderWithNothingRecognisableListsLayoutsAndContent() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        Files.createDirectory(dir.resolve("empty-class"));
        String m = message(dir.toString());
        assertTrue(m.startsWith("data " + dir + ": expected for split 'test' one of IDX"), m);
        assertTrue(m.endsWith("found [empty-class/, notes.txt]"), m);
        Path empty = Files.createDirectory(dir.resolve("nothing"));
        assertTrue(message(empty.toString()).endsWith("found an empty folder"));
    }

    @Test
    void unsupportedFileTypeIsNamed() throws IOException {
        Path file = Files.writeString(dir.resolve("model.onnx"), "x");
        assertEquals("data " + file + ": expected 'digits', a folder, a digits .csv(.gz), a NumPy .npz or a CIFAR-10 "
                + ".bin file, found a file of unsupported type", message(file.toString()));
    }

    @Test
    void halfAPairIsReportedWithTheMissingPartner() throws IOException {
        SpecFiles.write(dir.resolve("train-images-idx3-ubyte.gz"), SpecFiles.idx(new int[] {1, 1, 1}, new byte[1]),
                Compression.GZIP);
        assertEquals("data " + dir + ": found train-images-idx3-ubyte.gz but expected train-labels-idx1-ubyte[.gz] "
                + "beside it, found none", assertThrows(SmoothcalException.class,
                        () -> DatasetSource.load(dir.toString(), DatasetSplit.TRAIN)).getMessage());
    }

    @Test
    void idxFolderUsesClassesTxtAndOptdigitsFolderAndCsvFileLoad() throws IOException {
        SpecFiles.write(dir.resolve("t10k-images-idx3-ubyte"), SpecFiles.idx(new int[] {2, 1, 1}, new byte[] {7, 8}),
                Compression.NONE);
        SpecFiles.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), SpecFiles.idx(new int[] {2}, new byte[] {1, 0}),
                Compression.GZIP);
        Files.writeString(dir.resolve("classes.txt"), "cat\n\n  dog \n");
        Dataset d = DatasetSource.load(dir.toString(), DatasetSplit.TEST);
        assertEquals(List.of("cat", "dog"), d.classNames());
        assertEquals(dir.getFileName() + "/test", d.name());

        Path digits = Files.createDirectory(dir.resolve("digits"));
        String row = "16," + "0,".repeat(63) + "4\n";
        Files.writeString(digits.resolve("optdigits-train.csv"), row + row);
        assertEquals(2, DatasetSource.load(digits.toString(), DatasetSplit.TRAIN).size());
        assertEquals(16f, DatasetSource.load(digits.resolve("optdigits-train.csv").toString(), DatasetSplit.TEST)
                .images()[0]);
    }

    /** The message of the error loading {@code spec}, which must name the parameter {@code data}. */
    private static String message(String spec) {
        SmoothcalException e = assertThrows(SmoothcalException.class, () -> DatasetSource.load(spec, DatasetSplit.TEST));
        assertEquals(Optional.of("data"), e.parameter(), e.getMessage());
        assertEquals(SmoothcalException.Kind.BAD_INPUT, e.kind());
        return e.getMessage();
    }
}
