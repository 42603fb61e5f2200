-- Reserved; the change that owns this version replaces the statement below.
SELECT 1;
