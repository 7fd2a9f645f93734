package io.userstream.ingest.run;

import java.util.stream.IntStream;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.userstream.ingest.fetch.FetchedPage;
import io.userstream.ingest.fetch.FetchedUser;
import io.userstream.ingest.fetch.PageSpec;
import io.userstream.ingest.fetch.SourceKind;
import io.userstream.ingest.fetch.UserSource;
import io.userstream.ingest.ledger.CompletedPage;
import io.userstream.ingest.ledger.IngestionRun;
import io.userstream.ingest.ledger.RunLedger;
import io.userstream.ingest.ledger.RunStatus;
import io.userstream.ingest.publish.UserPublisher;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;

/**
 * Executes one run on the calling thread: fetches each page not yet done, publishes it, and records
 * it done only once Kafka acknowledged all its usable users. Up to {@code pagesInFlight} pages are
 * fetched ahead of their acknowledgements. Any failure fails the run with the error (resumable).
 */
@Component
public class RunExecution {

    private static final Logger log = LoggerFactory.getLogger(RunExecution.class);

    private final RunLedger ledger;
    private final Map<SourceKind, UserSource> sources = new EnumMap<>(SourceKind.class);
    private final UserPublisher publisher;
    private final RunProperties properties;
    private final Counter fetchedUsers;
    private final Counter failedUsers;
    private final Timer pageFetch;

    public RunExecution(RunLedger ledger, List<UserSource> sources, UserPublisher publisher, RunProperties properties,
                        MeterRegistry meters) {
        this.ledger = ledger;
        sources.forEach(source -> this.sources.put(source.kind(), source));
        this.publisher = publisher;
        this.properties = properties;
        this.fetchedUsers = Counter.builder("ingest.users.fetched").description("Users received from a source").register(meters);
        this.failedUsers = Counter.builder("ingest.users.failed")
                .description("Users received in an unusable shape (recorded with the reason)").register(meters);
        this.pageFetch = Timer.builder("ingest.page.fetch").description("Time to fetch or generate one page").register(meters);
    }

    private record InFlight(FetchedPage page, CompletableFuture<Integer> acks) {
    }

    public void execute(UUID runId, RunStatus from) {
        if (!ledger.markRunning(runId, Set.of(from))) {
            log.info("Run {} is no longer {}; not executing it", runId, from);
            return;
        }
        IngestionRun run = ledger.find(runId).orElseThrow();
        UserSource source = sources.get(run.source());
        Set<Integer> done = ledger.pagesDone(runId);
        Deque<InFlight> inFlight = new ArrayDeque<>();
        log.info("Run {} executing: {} users from {} in {} pages of {} ({} already done)",
                runId, run.requested(), run.source().id(), run.pageCount(), run.batchSize(), done.size());
        List<Integer> pages = IntStream.rangeClosed(1, run.pageCount())
                .filter(number -> !done.contains(number)).boxed().toList();
        CompletableFuture<FetchedPage> next = null;
        try {
            // The next page is fetched (or generated) while the current one is serialized and sent.
            next = pages.isEmpty() ? null : fetch(source, run, pages.get(0));
            for (int i = 0; i < pages.size(); i++) {
                FetchedPage page;
                try {
                    page = next.get();
                } catch (ExecutionException e) {
                    throw unwrapped(e);
                }
                next = i + 1 < pages.size() ? fetch(source, run, pages.get(i + 1)) : null;
                while (inFlight.size() >= properties.pagesInFlight()) {
                    record(runId, inFlight.removeFirst());
                }
                for (InFlight pending : inFlight) {
                    if (pending.acks().isCompletedExceptionally()) {
                        record(runId, pending); // throws: a failed page fails the run before more is sent
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                inFlight.addLast(new InFlight(page, publisher.publish(page)));
            }
            while (!inFlight.isEmpty()) {
                record(runId, inFlight.removeFirst());
            }
            if (ledger.markSucceeded(runId, run.pageCount())) {
                log.info("Run {} succeeded", runId);
            } else {
                ledger.markFailed(runId, "not every page is recorded done (" + ledger.pagesDone(runId).size()
                        + " of " + run.pageCount() + "); resume the run");
            }
        } catch (Throwable failure) {
            if (next != null) {
                next.cancel(true);
            }
            boolean interrupted = Thread.interrupted() || isInterruption(failure);
            // Pages Kafka already acknowledged are kept, so a resume does not publish them again.
            for (InFlight pending : inFlight) {
                if (pending.acks().isDone() && !pending.acks().isCompletedExceptionally()) {
                    try {
                        record(runId, pending);
                    } catch (Exception ignored) {
                        break;
                    }
                }
            }
            String error = interrupted ? "interrupted: the service was stopping while the run was RUNNING"
                    : messageOf(failure);
            log.warn("Run {} failed: {}", runId, error, interrupted ? null : failure);
            ledger.markFailed(runId, error);
        }
    }

    private CompletableFuture<FetchedPage> fetch(UserSource source, IngestionRun run, int number) {
        PageSpec spec = new PageSpec(run.id(), run.seed(), number, run.batchSize(), run.pageSize(number), run.nationalities());
        Timer.Sample sample = Timer.start();
        return source.fetch(spec)
                .doOnSuccess(page -> sample.stop(pageFetch))
                .subscribeOn(Schedulers.boundedElastic())
                .toFuture();
    }

    private void record(UUID runId, InFlight pending) throws Exception {
        int published;
        try {
            published = pending.acks().get();
        } catch (ExecutionException e) {
            throw unwrapped(e);
        }
        List<CompletedPage.Failure> failures = pending.page().users().stream()
                .filter(FetchedUser.Unusable.class::isInstance)
                .map(FetchedUser.Unusable.class::cast)
                .map(u -> new CompletedPage.Failure(u.position(), u.reason()))
                .toList();
        ledger.completePage(runId, new CompletedPage(pending.page().spec().number(), pending.page().users().size(),
                published, failures));
        fetchedUsers.increment(pending.page().users().size());
        failedUsers.increment(failures.size());
    }

    private static Exception unwrapped(ExecutionException e) {
        return e.getCause() instanceof RuntimeException cause ? cause : e;
    }

    private static boolean isInterruption(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    private static String messageOf(Throwable failure) {
        String message = failure.getMessage();
        return message == null ? failure.getClass().getName() : message;
    }
}
