-- kwo_completes: whether text t completes the truncated text other (longer, and starting with what
-- other has before its "…"). A retweet's "RT @x: …" and a withheld tweet's placeholder text
-- complete nothing: their cut text starts no longer copy.
-- Parameters: none.
-- depends: kwo_cut
CREATE TEMP MACRO kwo_completes(t, other) AS
    coalesce(starts_with(t, kwo_cut(other)) AND length(t) > length(other), false);
