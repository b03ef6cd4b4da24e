package dev.smoothcal.evaluator.gate;

/** The relation a rule asks of a metric and its bound. */
public enum Comparison {
    /** {@code value <= bound}. */
    AT_MOST("<="),
    /** {@code value < bound}. */
    BELOW("<"),
    /** {@code value >= bound}. */
    AT_LEAST(">="),
    /** {@code value > bound}. */
    ABOVE(">");

    private final String symbol;

    Comparison(String symbol) {
        this.symbol = symbol;
    }

    /**
     * How rules write it.
     *
     * @return {@code <=}, {@code <}, {@code >=} or {@code >}
     */
    public String symbol() {
        return symbol;
    }

    /**
     * Whether {@code value} stands in this relation to {@code bound}; false when either is NaN.
     *
     * @param value the metric's value
     * @param bound the bound
     * @return whether the rule holds
     */
    public boolean holds(double value, double bound) {
        return switch (this) {
            case AT_MOST -> value <= bound;
            case BELOW -> value < bound;
            case AT_LEAST -> value >= bound;
            case ABOVE -> value > bound;
        };
    }

    static Comparison ofSymbol(String symbol) {
        for (Comparison c : values()) {
            if (c.symbol.equals(symbol)) {
                return c;
            }
        }
        return null;
    }
}
