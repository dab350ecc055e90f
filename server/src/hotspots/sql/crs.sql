-- What the analyst's CRS is: geographic (degrees) or projected, and in which unit.
SELECT srid, proj4text FROM spatial_ref_sys WHERE auth_name = 'EPSG' AND auth_srid = $1;
