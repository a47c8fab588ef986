package ai.causeflow.dbaccess.examples.demo;

/** Placeholder until the relay issue lands: says so honestly and exits 0. */
public final class DemoMain {
  private DemoMain() {}

  public static void main(String[] args) {
    System.out.println("causeflow-dbaccess demo: coming in the relay issue (#5).");
    System.out.println("The demo will start an embedded PostgreSQL, a relay and a scripted DB Analyst.");
  }
}
