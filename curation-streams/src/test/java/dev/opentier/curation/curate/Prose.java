package dev.opentier.curation.curate;

/** Ordinary English paragraphs, written for these tests. */
public final class Prose {
  private Prose() {}

  public static final String LIGHTHOUSE = """
      The old lighthouse at the end of the harbour was built in 1871, when the town still lived from \
      fishing and the coast was known for its sudden storms. For more than a century a keeper climbed \
      the narrow stairs every evening to light the lamp and wind the clockwork that turned the lens. \
      The keepers kept careful logs of the weather, the ships that passed and the repairs they made, \
      and many of those books have survived in the town archive. Today the light is automatic and the \
      tower is open to visitors during the summer, who can read the logs in a small room at its base.""";

  public static final String VOLCANO = """
      Volcanic soils are among the most fertile in the world because the ash that falls after an \
      eruption is rich in minerals that plants need. Farmers have settled on the slopes of active \
      volcanoes for thousands of years, accepting the risk in exchange for good harvests. Scientists \
      now watch these mountains with instruments that measure small earthquakes, changes in the shape \
      of the ground and the gases that escape from vents. When the signals grow stronger, the people \
      who live nearby can be warned days or weeks before a dangerous eruption begins.""";

  public static final String BEES = """
      Honey bees communicate the location of flowers through a movement that researchers call the \
      waggle dance. A worker that has found a good source of nectar returns to the hive and walks in a \
      figure of eight, shaking her body during the straight part of the run. The angle of that run \
      tells the other bees the direction of the food relative to the sun, and its length tells them \
      how far they have to fly. Colonies that share information in this way gather food faster when \
      flowers are scattered across the landscape and bloom for only a few days.""";

  /** A second article on bees: same topic and many of the same words, different text. */
  public static final String BEES_OTHER = """
      Bumble bees are larger and hairier than honey bees, and they can fly in colder weather, which \
      makes them important pollinators in mountains and in the far north. Their colonies are small and \
      last only one summer: in autumn the workers and the old queen die, and only the young queens \
      survive the winter underground. In spring each of them starts a new nest on her own, collecting \
      nectar and pollen until the first workers hatch and take over the search for flowers. Farmers \
      use them to pollinate tomatoes in greenhouses, where they work well in small spaces.""";
}
