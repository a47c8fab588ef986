package ai.causeflow.dbaccess.examples.relay.internal;

import ai.causeflow.dbaccess.core.masking.MaskingStage;
import ai.causeflow.dbaccess.core.masking.MaskingStats;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The masking an error detail gets before it leaves the process, on the wire or in the audit log:
 * the masking stage of the configured resources (one stage in the relay; each distinct one in
 * turn otherwise), the same {@link MaskingStage#maskText} the pipeline applies to the details of
 * its own audit events. Details are data-free by construction; this covers the one way a value
 * can slip in, an identifier quoted from the request that carries one.
 *
 * <p>Thread-safety: thread-safe (masking stages are shared by all requests).
 */
final class DetailMasking {
  private final List<MaskingStage> stages;

  DetailMasking(List<MaskingStage> stages) {
    this.stages = List.copyOf(stages);
  }

  /** The masking of these resources' data sources, each distinct stage once. */
  static DetailMasking of(Collection<ResourceState> resources) {
    List<MaskingStage> distinct = new ArrayList<>();
    for (ResourceState r : resources) {
      MaskingStage s = r.dataSource().settings().masking();
      if (distinct.stream().noneMatch(d -> d == s)) {
        distinct.add(s);
      }
    }
    return new DetailMasking(distinct);
  }

  String mask(String detail) {
    String out = detail;
    for (MaskingStage s : stages) {
      if (s.enabled()) {
        out = s.maskText(out, new MaskingStats());
      }
    }
    return out;
  }
}
