package io.asyncudf.internal.driver;

import io.asyncudf.internal.connector.RateLease;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The driver's side of job-wide request budgets: hands each holder (an executor JVM) a rate lease on a
 * budget, sharing the budget fairly by demand (max-min: no holder gets more than it asks for while
 * another gets less than its fair share; what is left is spread evenly so a holder can grow). The
 * leases out at once never add up to more than the budget: a holder whose share grew gets only what
 * the others' last leases leave free, and the rest once they have renewed at their smaller shares. A
 * lease is valid for {@link #LEASE}; a holder that does not renew in time (it went quiet or died) drops out
 * and its share goes to the others at their next renewal. A pause on a budget is returned with every
 * lease until it ends. Thread-safe; a lease costs O(1) except when shares are recomputed, at most every
 * {@link #RECOMPUTE} or when a holder arrives, in O(n log n) for n holders.
 */
public final class LeaseService {

  /** How long a lease holds. */
  public static final Duration LEASE = Duration.ofSeconds(1);
  static final Duration RECOMPUTE = Duration.ofMillis(100);

  private final LongSupplier nanoClock;
  private final Map<String, Budget> budgets = new HashMap<>();

  public LeaseService(LongSupplier nanoClock) {
    this.nanoClock = nanoClock;
  }

  /** A lease on {@code budget} ({@code requestsPerSecond} across the job) for {@code holder}, which would use {@code demand}/s. */
  public RateLease lease(String budget, double requestsPerSecond, String holder, double demand) {
    long now = nanoClock.getAsLong();
    Budget state;
    synchronized (budgets) {
      state = budgets.computeIfAbsent(budget, key -> new Budget());
    }
    return state.lease(requestsPerSecond, holder, Math.max(0, demand), now);
  }

  /** Pauses {@code budget} for {@code pause} from now (a longer pause already in place stays). */
  public void pause(String budget, Duration pause) {
    long now = nanoClock.getAsLong();
    Budget state;
    synchronized (budgets) {
      state = budgets.computeIfAbsent(budget, key -> new Budget());
    }
    state.pause(now + pause.toNanos());
  }

  /** The holders with a valid lease on {@code budget}. */
  public int holders(String budget) {
    Budget state;
    synchronized (budgets) {
      state = budgets.get(budget);
    }
    return state == null ? 0 : state.holders(nanoClock.getAsLong());
  }

  private static final class Budget {
    private final Map<String, Holder> holders = new HashMap<>();
    private double total;
    private long pausedUntil;
    private long computedAt;
    private double issued;
    private boolean stale = true;

    synchronized RateLease lease(double requestsPerSecond, String name, double demand, long now) {
      if (requestsPerSecond != total) {
        total = requestsPerSecond;
        stale = true;
      }
      Holder holder = holders.get(name);
      if (holder == null) {
        holder = new Holder();
        holders.put(name, holder);
        stale = true;
      }
      holder.demand = demand;
      holder.expires = now + LEASE.toNanos();
      if (stale || now - computedAt >= RECOMPUTE.toNanos()) {
        share(now);
      }
      // never more than the others leave free: they keep their last lease until they renew
      double grant = Math.min(holder.grant, Math.max(0, total - (issued - holder.issued)));
      issued += grant - holder.issued;
      holder.issued = grant;
      long paused = Math.max(0, pausedUntil - now);
      return new RateLease(grant, LEASE, Duration.ofNanos(paused));
    }

    synchronized void pause(long until) {
      pausedUntil = Math.max(pausedUntil, until);
    }

    synchronized int holders(long now) {
      return (int) holders.values().stream().filter(holder -> holder.expires - now > 0).count();
    }

    /** Max-min fair shares of the total over the holders' demands; the rest evenly on top. */
    private void share(long now) {
      for (Iterator<Holder> it = holders.values().iterator(); it.hasNext(); ) {
        Holder holder = it.next();
        if (holder.expires - now <= 0) {
          issued -= holder.issued;
          it.remove();
        }
      }
      Holder[] byDemand = holders.values().toArray(new Holder[0]);
      Arrays.sort(byDemand, (a, b) -> Double.compare(a.demand, b.demand));
      double left = total;
      for (int i = 0; i < byDemand.length; i++) {
        double fair = left / (byDemand.length - i);
        byDemand[i].grant = Math.min(byDemand[i].demand, fair);
        left -= byDemand[i].grant;
      }
      for (Holder holder : byDemand) {
        holder.grant += left / byDemand.length;
      }
      computedAt = now;
      stale = false;
    }
  }

  private static final class Holder {
    double demand;
    double grant;
    double issued;
    long expires;
  }
}
