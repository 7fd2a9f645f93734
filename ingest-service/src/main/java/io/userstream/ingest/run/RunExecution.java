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
import io.userstream.ingest.ledger.LedgerRetry;
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
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.beans.factory.DisposableBean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.scheduler.Schedulers;

/**
 * Executes one run on the calling thread: fetches each page not yet done, publishes it, and records it
 * done as soon as Kafka acknowledged all its usable users (on a ledger thread, so progress shows even
 * while the run thread waits for the next fetch). Up to {@code pagesInFlight} pages are fetched ahead
 * of their acknowledgements. Ledger calls ride out a PostgreSQL outage ({@link LedgerRetry}). Any other
 * failure fails the run with the error (resumable); a stop releases it PENDING for the next instance to resume.
 */
@Component
public class RunExecution implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(RunExecution.class);

    private final RunLedger ledger;
    private final LedgerRetry retry;
    private final Map<SourceKind, UserSource> sources = new EnumMap<>(SourceKind.class);
    private final UserPublisher publisher;
    private final RunProperties properties;
    private final ExecutorService recorder;
    private final Counter fetchedUsers;
    private final Counter failedUsers;
    private final Timer pageFetch;

    public RunExecution(RunLedger ledger, LedgerRetry retry, List<UserSource> sources, UserPublisher publisher,
                        RunProperties properties, MeterRegistry meters) {
        this.ledger = ledger;
        this.retry = retry;
        sources.forEach(source -> this.sources.put(source.kind(), source));
        this.publisher = publisher;
        this.properties = properties;
        // Acknowledgements complete on Kafka's I/O thread, which must not wait for JDBC: pages are recorded here.
        AtomicInteger threads = new AtomicInteger();
        this.recorder = Executors.newFixedThreadPool(properties.concurrentRuns(),
                task -> new Thread(task, "ingestion-ledger-" + threads.incrementAndGet()));
        this.fetchedUsers = Counter.builder("ingest.users.fetched").description("Users received from a source").register(meters);
        this.failedUsers = Counter.builder("ingest.users.failed")
                .description("Users received in an unusable shape (recorded with the reason)").register(meters);
        this.pageFetch = Timer.builder("ingest.page.fetch").description("Time to fetch or generate one page").register(meters);
    }

    /** A page sent to Kafka; {@code recorded} completes once the ledger has it done (or with the failure). */
    private record InFlight(FetchedPage page, CompletableFuture<Integer> acks, CompletableFuture<Void> recorded) {
    }

    public void execute(UUID runId, RunStatus from) {
        if (!retry.call("mark run " + runId + " running", () -> ledger.markRunning(runId, Set.of(from)))) {
            log.info("Run {} is no longer {}; not executing it", runId, from);
            return;
        }
        IngestionRun run = retry.call("read run " + runId, () -> ledger.find(runId)).orElseThrow();
        UserSource source = sources.get(run.source());
        Set<Integer> done = retry.call("read pages done of run " + runId, () -> ledger.pagesDone(runId));
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
                    awaitRecorded(inFlight.removeFirst());
                }
                for (InFlight pending : inFlight) {
                    if (pending.recorded().isCompletedExceptionally()) {
                        awaitRecorded(pending); // throws: a failed page fails the run before more is sent
                    }
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
                CompletableFuture<Integer> acks = publisher.publish(page);
                inFlight.addLast(new InFlight(page, acks, acks.thenAcceptAsync(published -> record(runId, page, published), recorder)));
            }
            while (!inFlight.isEmpty()) {
                awaitRecorded(inFlight.removeFirst());
            }
            if (retry.call("mark run " + runId + " succeeded", () -> ledger.markSucceeded(runId, run.pageCount()))) {
                log.info("Run {} succeeded", runId);
            } else {
                int recorded = retry.call("read pages done of run " + runId, () -> ledger.pagesDone(runId)).size();
                retry.run("mark run " + runId + " failed", () -> ledger.markFailed(runId, "not every page is recorded done ("
                        + recorded + " of " + run.pageCount() + "); resume the run"));
            }
        } catch (Throwable failure) {
            if (next != null) {
                next.cancel(true);
            }
            boolean interrupted = Thread.interrupted() || isInterruption(failure);
            // Pages Kafka already acknowledged are being recorded: let that finish, so a resume does not publish them again.
            for (InFlight pending : inFlight) {
                if (pending.acks().isDone() && !pending.acks().isCompletedExceptionally()) {
                    try {
                        pending.recorded().join();
                    } catch (RuntimeException ignored) {
                        // the run fails anyway; this page is fetched and published again on resume
                    }
                }
            }
            end(runId, interrupted, failure);
        }
    }

    /** Records why the run stopped; if even that fails, the run stays RUNNING until its lease runs out (RunTakeover). */
    private void end(UUID runId, boolean interrupted, Throwable failure) {
        try {
            if (interrupted) {
                log.warn("Run {} interrupted: this instance is stopping (the run is released for the next instance or start to"
                        + " resume), or another instance took it over", runId);
                ledger.markInterrupted(runId, "interrupted: the service stopped while the run was RUNNING; it resumes at the next start");
            } else {
                String error = messageOf(failure);
                log.warn("Run {} failed: {}", runId, error, failure);
                retry.run("mark run " + runId + " failed", () -> ledger.markFailed(runId, error));
            }
        } catch (RuntimeException unrecorded) {
            log.error("Run {} stopped ({}) but the ledger could not record it: it stays RUNNING until its lease runs out and"
                            + " this instance or another resumes it",
                    runId, messageOf(failure), unrecorded);
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

    /** Ledger thread: the page's usable users are all acknowledged. */
    private void record(UUID runId, FetchedPage page, int published) {
        List<CompletedPage.Failure> failures = page.users().stream()
                .filter(FetchedUser.Unusable.class::isInstance)
                .map(FetchedUser.Unusable.class::cast)
                .map(u -> new CompletedPage.Failure(u.position(), u.reason()))
                .toList();
        CompletedPage completed = new CompletedPage(page.spec().number(), page.users().size(), published, failures);
        retry.run("record page " + completed.number() + " of run " + runId + " done", () -> ledger.completePage(runId, completed));
        fetchedUsers.increment(page.users().size());
        failedUsers.increment(failures.size());
    }

    private static void awaitRecorded(InFlight pending) throws Exception {
        try {
            pending.recorded().get();
        } catch (ExecutionException e) {
            throw unwrapped(e);
        }
    }

    @Override
    public void destroy() {
        recorder.shutdown();
    }

    private static Exception unwrapped(ExecutionException e) {
        Throwable cause = e.getCause();
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof Exception exception ? exception : e;
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
