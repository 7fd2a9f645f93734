package io.userstream.localstack.airflow;

import java.time.Duration;

/** What {@link AirflowClient#awaitCompletion} tells while it watches a DAG run. */
@FunctionalInterface
public interface RunProgress {

    /** A task state seen for the first time (and each new try). */
    void taskChanged(TaskInstance task);

    /** Airflow stopped answering; the wait goes on until its deadline. */
    default void airflowUnavailable(String reason) {
    }

    /** Airflow answers again after {@code down}. */
    default void airflowBack(Duration down) {
    }
}
