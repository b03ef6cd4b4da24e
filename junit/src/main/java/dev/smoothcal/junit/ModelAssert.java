package dev.smoothcal.junit;

import dev.smoothcal.core.data.Dataset;
import dev.smoothcal.evaluator.evaluation.Evaluation;
import dev.smoothcal.evaluator.evaluation.EvaluationRequest;
import java.nio.file.Path;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * A model not yet evaluated: choose the data (and optionally how to evaluate) to get its assertions.
 */
public final class ModelAssert {
    private final Path model;
    private final UnaryOperator<EvaluationRequest> settings;

    ModelAssert(Path model) {
        this(model, UnaryOperator.identity());
    }

    private ModelAssert(Path model, UnaryOperator<EvaluationRequest> settings) {
        this.model = Objects.requireNonNull(model, "model");
        this.settings = settings;
    }

    /**
     * This model evaluated with changed settings, for example
     * {@code using(r -> r.withBins(10).withBootstrapReplicates(0))}.
     *
     * @param change applied to the default {@link EvaluationRequest#of} request
     * @return the changed model assertions
     */
    public ModelAssert using(UnaryOperator<EvaluationRequest> change) {
        UnaryOperator<EvaluationRequest> before = settings;
        return new ModelAssert(model, r -> change.apply(before.apply(r)));
    }

    /**
     * Evaluates the model on {@code data} (once) and returns assertions on the result.
     *
     * @param data labelled images
     * @return assertions on the evaluation report
     */
    public EvaluatedModelAssert on(Dataset data) {
        EvaluationRequest request = settings.apply(EvaluationRequest.of(model, data));
        return new EvaluatedModelAssert(Evaluation.run(request), model);
    }
}
