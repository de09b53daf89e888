using ModelPacker.FlashImage;

namespace ModelPacker.Quantization;

/// <summary>One calibration utterance as the device answers it: the answering exit's argmax, entropy and confidence
/// (Q16), its gold label index (-1 when the model lacks it) and whether it is out of scope.</summary>
public readonly record struct RejectionSample(int Predicted, int Gold, bool OutOfScope, int EntropyQ16, int ConfidenceQ16);

/// <summary>What a rejection rule does on a split: in-scope accuracy (an "unknown" answer is wrong) and out-of-scope
/// recall (an "unknown" answer, or the model's own out-of-scope label, is right; null without out-of-scope
/// utterances), as Larson et al. (2019) score them, and the share of in-scope utterances answered "unknown".</summary>
public sealed record RejectionPoint(RejectionRule Rule, int InScope, int InScopeCorrect, int OutOfScope, int OutOfScopeCaught, int InScopeRejected)
{
    public double InScopeAccuracy => InScope == 0 ? 0 : (double)InScopeCorrect / InScope;
    public double? OutOfScopeRecall => OutOfScope == 0 ? null : (double)OutOfScopeCaught / OutOfScope;
    public double InScopeRejectedShare => InScope == 0 ? 0 : (double)InScopeRejected / InScope;
}

/// <summary>
/// Chooses the rejection threshold of one kind (confidence or entropy) on a validation split. With out-of-scope
/// utterances: the threshold with the highest out-of-scope recall whose in-scope accuracy is at most
/// <c>maxInScopeDrop</c> below that of never rejecting by threshold; without them: the one that answers "unknown" to
/// the most in-scope utterances within the same bound. Ties go to the higher in-scope accuracy, then to the threshold
/// that rejects least. Every distinct score is a candidate, so the choice is exact on the split.
/// </summary>
public static class RejectionSweep
{
    public static RejectionPoint Evaluate(IReadOnlyList<RejectionSample> samples, RejectionRule rule)
    {
        int inScope = 0, right = 0, oos = 0, caught = 0, rejected = 0;
        foreach (var s in samples)
        {
            int answer = rule.Answer(s.Predicted, s.EntropyQ16, s.ConfidenceQ16);
            if (s.OutOfScope)
            {
                oos++;
                // unknown, or the model's own out-of-scope label where the rule leaves it a label (no rule)
                if (answer == RejectionRule.Unknown || answer == s.Gold) caught++;
            }
            else
            {
                inScope++;
                if (answer == s.Gold) right++;
                if (answer == RejectionRule.Unknown) rejected++;
            }
        }
        return new RejectionPoint(rule, inScope, right, oos, caught, rejected);
    }

    /// <summary>The rule that rejects nothing by its threshold (only the out-of-scope label, if any).</summary>
    public static RejectionRule Never(RejectKind kind, int unknownLabel) =>
        new(kind, kind == RejectKind.Confidence ? 0 : int.MaxValue, unknownLabel);

    /// <summary>Every threshold that separates two observed scores, and the one past them all, ascending in how much it
    /// rejects: each distinct rejection set once.</summary>
    public static IEnumerable<RejectionRule> Candidates(IReadOnlyList<RejectionSample> samples, RejectKind kind, int unknownLabel)
    {
        yield return Never(kind, unknownLabel);
        if (kind == RejectKind.Confidence)
        {
            // reject when confidence < t: t = an observed confidence keeps it and everything above
            var seen = samples.Select(s => s.ConfidenceQ16).Distinct().Order().ToList();
            foreach (int c in seen.Skip(1)) yield return new RejectionRule(kind, c, unknownLabel);
            if (seen.Count > 0 && seen[^1] < RejectionRule.ConfidenceOne) yield return new RejectionRule(kind, seen[^1] + 1, unknownLabel);
        }
        else
        {
            // reject when entropy > t: t = an observed entropy keeps it and everything below
            var seen = samples.Select(s => s.EntropyQ16).Distinct().OrderDescending().ToList();
            foreach (int e in seen.Skip(1)) yield return new RejectionRule(kind, e, unknownLabel);
            if (seen.Count > 0 && seen[^1] > 0) yield return new RejectionRule(kind, seen[^1] - 1, unknownLabel);
        }
    }

    public static RejectionPoint Choose(IReadOnlyList<RejectionSample> samples, RejectKind kind, int unknownLabel, double maxInScopeDrop)
    {
        if (kind == RejectKind.None) throw new ArgumentException("choose a threshold of a kind that has one", nameof(kind));
        var never = Evaluate(samples, Never(kind, unknownLabel));
        // in counts, so that a bound of exactly k utterances is not lost to rounding
        double allowed = maxInScopeDrop * never.InScope + 1e-9;
        bool haveOos = never.OutOfScope > 0;
        RejectionPoint best = never;
        foreach (var rule in Candidates(samples, kind, unknownLabel).Skip(1))
        {
            var p = Evaluate(samples, rule);
            if (never.InScopeCorrect - p.InScopeCorrect > allowed) continue;
            int gain = haveOos ? p.OutOfScopeCaught - best.OutOfScopeCaught : p.InScopeRejected - best.InScopeRejected;
            if (gain > 0 || (gain == 0 && p.InScopeCorrect > best.InScopeCorrect)) best = p;
        }
        return best;
    }
}
