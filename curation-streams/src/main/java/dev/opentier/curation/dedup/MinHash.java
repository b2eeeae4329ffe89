package dev.opentier.curation.dedup;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * MinHash signatures of a text's word 5-gram shingles, and the LSH bands that make near-duplicate
 * candidates meet: {@value #PERMUTATIONS} permutations, of which the first {@value #BANDS} ×
 * {@value #ROWS} form the bands. Two texts with Jaccard similarity s share at least one band with
 * probability 1 − (1 − s^5)^16: 0.998 at s = 0.8, 0.97 at s = 0.7, 0.16 at s = 0.4. The candidates
 * are then compared on all 128 values. The permutations come from a fixed seed: signatures stay
 * comparable across restarts and releases.
 */
public final class MinHash {
  public static final int PERMUTATIONS = 128;
  public static final int BANDS = 16;
  public static final int ROWS = 5;
  public static final int SHINGLE_WORDS = 5;
  private static final Pattern WORD_SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
  private static final long[] A = new long[PERMUTATIONS];
  private static final long[] B = new long[PERMUTATIONS];

  static {
    SplittableRandom random = new SplittableRandom(0x0_9e37_79b9_7f4a_7c15L);
    for (int i = 0; i < PERMUTATIONS; i++) {
      A[i] = random.nextLong() | 1; // odd: a bijection on 64-bit values
      B[i] = random.nextLong();
    }
  }

  private MinHash() {}

  /** The signature: per permutation, the minimum over shingles of a 32-bit hash. */
  public static int[] signature(String text) {
    String[] words = WORD_SEPARATORS.split(text.toLowerCase(Locale.ROOT).strip());
    int[] minimum = new int[PERMUTATIONS];
    java.util.Arrays.fill(minimum, Integer.MAX_VALUE);
    int shingles = Math.max(1, words.length - SHINGLE_WORDS + 1);
    for (int s = 0; s < shingles; s++) {
      long shingle = SHINGLE_WORDS;
      for (int w = s; w < Math.min(words.length, s + SHINGLE_WORDS); w++) shingle = mix(shingle * 31 + words[w].hashCode());
      for (int i = 0; i < PERMUTATIONS; i++) {
        int hash = (int) (mix(A[i] * shingle + B[i]) >>> 33);
        if (hash < minimum[i]) minimum[i] = hash;
      }
    }
    return minimum;
  }

  /** The share of equal positions: an unbiased estimate of the Jaccard similarity of the shingle sets. */
  public static double similarity(int[] a, int[] b) {
    int equal = 0;
    for (int i = 0; i < PERMUTATIONS; i++) if (a[i] == b[i]) equal++;
    return (double) equal / PERMUTATIONS;
  }

  /** The band keys of a signature: band number and a hash of its rows. */
  public static List<String> bands(int[] signature) {
    List<String> keys = new ArrayList<>(BANDS);
    for (int band = 0; band < BANDS; band++) {
      long hash = band;
      for (int row = band * ROWS; row < (band + 1) * ROWS; row++) hash = mix(hash * 31 + signature[row]);
      keys.add(band + ":" + Long.toHexString(hash));
    }
    return keys;
  }

  public static byte[] toBytes(int[] signature) {
    ByteBuffer buffer = ByteBuffer.allocate(signature.length * 4);
    for (int value : signature) buffer.putInt(value);
    return buffer.array();
  }

  public static int[] fromBytes(byte[] bytes) {
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    int[] signature = new int[bytes.length / 4];
    for (int i = 0; i < signature.length; i++) signature[i] = buffer.getInt();
    return signature;
  }

  /** SplitMix64's finaliser. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
