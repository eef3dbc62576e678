-- The rules that judge terms were revised (legal order, the residual term of art. 6:8 Awb, finality only after
-- the post week and the notice margin, annulment per region-year): every region-year's deadlines are computed
-- again from its facts on the next refresh.
UPDATE region_years SET deadlines_version = 0;
