package dev.smoothcal.core.data;

import dev.smoothcal.core.SmoothcalException;
import java.util.ArrayList;
import java.util.List;

/**
 * The header dict of an {@code .npy} file, e.g.
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (10000, 28, 28), }}. Only the literal forms
 * NumPy writes are read: quoted strings, {@code True}/{@code False} and tuples of non-negative ints.
 *
 * @param descr the dtype string, e.g. {@code |u1}
 * @param fortranOrder whether the data is column-major
 * @param shape the dimensions
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {

    static NpyHeader parse(String text, String source) {
        return new Parser(text, source).header();
    }

    private static final class Parser {
        private final String text;
        private final String source;
        private int pos;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        NpyHeader header() {
            String descr = null;
            Boolean fortran = null;
            int[] shape = null;
            expect('{');
            while (true) {
                skipSpace();
                if (peek() == '}') {
                    break;
                }
                String key = quoted();
                expect(':');
                skipSpace();
                switch (key) {
                    case "descr" -> descr = quoted();
                    case "fortran_order" -> fortran = bool();
                    case "shape" -> shape = tuple();
                    default -> throw fail("a key 'descr', 'fortran_order' or 'shape'", "'" + key + "'");
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                }
            }
            if (descr == null || fortran == null || shape == null) {
                throw new SmoothcalException(source + ": expected a header with 'descr', 'fortran_order' and 'shape', "
                        + "found " + text.strip());
            }
            return new NpyHeader(descr, fortran, shape);
        }

        private String quoted() {
            skipSpace();
            char q = peek();
            if (q != '\'' && q != '"') {
                throw fail("a quoted string", describeHere());
            }
            int end = text.indexOf(q, pos + 1);
            if (end < 0) {
                throw fail("a closing quote", "the end of the header");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private boolean bool() {
            if (text.startsWith("True", pos)) {
                pos += 4;
                return true;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return false;
            }
            throw fail("True or False", describeHere());
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (true) {
                skipSpace();
                if (peek() == ')') {
                    pos++;
                    break;
                }
                int start = pos;
                while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                    pos++;
                }
                if (start == pos) {
                    throw fail("a non-negative integer dimension", describeHere());
                }
                try {
                    dims.add(Integer.parseInt(text.substring(start, pos)));
                } catch (NumberFormatException e) {
                    throw fail("a dimension below 2^31", text.substring(start, pos));
                }
                skipSpace();
                if (peek() == ',') {
                    pos++;
                } else if (peek() != ')') {
                    throw fail("',' or ')' in the shape", describeHere());
                }
            }
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private void expect(char c) {
            skipSpace();
            if (peek() != c) {
                throw fail("'" + c + "'", describeHere());
            }
            pos++;
        }

        private char peek() {
            return pos < text.length() ? text.charAt(pos) : '\0';
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private String describeHere() {
            if (pos >= text.length()) {
                return "the end of the header";
            }
            return "'" + text.substring(pos, Math.min(text.length(), pos + 20)) + "'";
        }

        private SmoothcalException fail(String expected, String found) {
            return new SmoothcalException(source + ": .npy header: expected " + expected + " at character " + pos
                    + ", found " + found);
        }
    }
}
