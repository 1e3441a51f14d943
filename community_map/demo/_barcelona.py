"""Reference tables of Barcelona's districts and neighbourhoods for the demo data.

The demo shows Barcelona's real 10 districts and 73 neighbourhoods (*barris*) with their official
Catalan names and codes, but with **approximate** boundaries that are built here: Voronoi cells of
one centre point per neighbourhood, clipped to a coarse outline of the city. The official
boundary files are not shipped with the package; only the small table below, derived from them,
is. All values are rounded and must not be read as official figures:

* ``NEIGHBOURHOODS`` centres are the representative points of the official polygons (Open Data
  BCN, ``BarcelonaCiutat_Barris.csv``, dataset ``20170706-districtes-barris``) in EPSG:25831,
  rounded to 10 m. Populations are men plus women from a public per-barri population layer of
  unstated year, rounded to the nearest 100.
* ``CITY_OUTLINE_25831`` is the largest part of the CartoBCN municipal boundary ("terme
  municipal"), simplified (Douglas-Peucker, 200 m tolerance) to 82 vertices and rounded to 10 m.
  The small detached parts (around les Planes and on the port breakwater) are left out.
* ``SOCIAL_SERVICES_CENTRES`` are real Centres de Serveis Socials (Open Data BCN equipment
  list), positions rounded to 10 m.

To use the official boundaries, import them as territory units instead: Open Data BCN publishes
them (dataset ``20170706-districtes-barris``, CC BY 4.0) as ``BarcelonaCiutat_Barris.csv`` and
``BarcelonaCiutat_Districtes.csv``, whose ``geometria_etrs89`` column is WKT in EPSG:25831, e.g.
``gpd.GeoDataFrame(df, geometry=gpd.GeoSeries.from_wkt(df.geometria_etrs89), crs=25831)``.
Their ``codi_barri``/``codi_districte`` codes are the codes used here once zero-padded to two
digits, so demo units can be matched to official ones by code.

All coordinates are EPSG:25831 (ETRS89 / UTM zone 31N), in metres.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import shapely

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "CITY_OUTLINE_25831",
    "CRS",
    "DISTRICTS",
    "NEIGHBOURHOODS",
    "SOCIAL_SERVICES_CENTRES",
    "city_outline",
    "district_shapes",
    "neighbourhood_cells",
]

CRS = "EPSG:25831"
"""Coordinate reference system of every coordinate in this module."""

# (code, official Catalan name)
DISTRICTS: tuple[tuple[str, str], ...] = (
    ("01", "Ciutat Vella"),
    ("02", "Eixample"),
    ("03", "Sants-Montjuïc"),
    ("04", "Les Corts"),
    ("05", "Sarrià-Sant Gervasi"),
    ("06", "Gràcia"),
    ("07", "Horta-Guinardó"),
    ("08", "Nou Barris"),
    ("09", "Sant Andreu"),
    ("10", "Sant Martí"),
)


# (code, official Catalan name as in Open Data BCN, district code, centre x, centre y,
#  population rounded to 100). Centres are representative points of the official polygons,
#  rounded to 10 m. All 73 barris have a population figure in the source (none estimated).
# Note: the population source spells barri 11 "el Poble Sec"; the official name is used here.
NEIGHBOURHOODS: tuple[tuple[str, str, str, float, float, int], ...] = (
    ("01", "el Raval", "01", 430600.0, 4581050.0, 48400),
    ("02", "el Barri Gòtic", "01", 431230.0, 4581430.0, 15900),
    ("03", "la Barceloneta", "01", 432150.0, 4580460.0, 15200),
    ("04", "Sant Pere, Santa Caterina i la Ribera", "01", 431770.0, 4582010.0, 22900),
    ("05", "el Fort Pienc", "02", 431620.0, 4583170.0, 32000),
    ("06", "la Sagrada Família", "02", 431260.0, 4584080.0, 51600),
    ("07", "la Dreta de l'Eixample", "02", 430350.0, 4582810.0, 44000),
    ("08", "l'Antiga Esquerra de l'Eixample", "02", 429460.0, 4582290.0, 42200),
    ("09", "la Nova Esquerra de l'Eixample", "02", 428940.0, 4581570.0, 58200),
    ("10", "Sant Antoni", "02", 429800.0, 4581430.0, 38500),
    ("11", "el Poble-sec", "03", 429530.0, 4579470.0, 40900),
    ("12", "la Marina del Prat Vermell", "03", 428560.0, 4577600.0, 1100),
    ("13", "la Marina de Port", "03", 428210.0, 4579170.0, 30500),
    ("14", "la Font de la Guatlla", "03", 428550.0, 4580160.0, 10500),
    ("15", "Hostafrancs", "03", 428480.0, 4580750.0, 16000),
    ("16", "la Bordeta", "03", 427740.0, 4580050.0, 18500),
    ("17", "Sants - Badal", "03", 427000.0, 4580720.0, 24300),
    ("18", "Sants", "03", 427730.0, 4581060.0, 41300),
    ("19", "les Corts", "04", 427670.0, 4581990.0, 46400),
    ("20", "la Maternitat i Sant Ramon", "04", 426000.0, 4581530.0, 24100),
    ("21", "Pedralbes", "04", 425560.0, 4582600.0, 11800),
    ("22", "Vallvidrera, el Tibidabo i les Planes", "05", 424960.0, 4585640.0, 4700),
    ("23", "Sarrià", "05", 426040.0, 4583770.0, 24800),
    ("24", "les Tres Torres", "05", 427240.0, 4583320.0, 16500),
    ("25", "Sant Gervasi - la Bonanova", "05", 427250.0, 4584600.0, 25600),
    ("26", "Sant Gervasi - Galvany", "05", 428390.0, 4583280.0, 47000),
    ("27", "el Putxet i el Farró", "05", 428400.0, 4584340.0, 29300),
    ("28", "Vallcarca i els Penitents", "06", 428250.0, 4585260.0, 15600),
    ("29", "el Coll", "06", 428770.0, 4585450.0, 7300),
    ("30", "la Salut", "06", 429430.0, 4584890.0, 13300),
    ("31", "la Vila de Gràcia", "06", 429460.0, 4583860.0, 50900),
    ("32", "el Camp d'en Grassot i Gràcia Nova", "06", 430240.0, 4584250.0, 34400),
    ("33", "el Baix Guinardó", "07", 430520.0, 4584750.0, 25800),
    ("34", "Can Baró", "07", 430030.0, 4585380.0, 8900),
    ("35", "el Guinardó", "07", 431020.0, 4585590.0, 36000),
    ("36", "la Font d'en Fargues", "07", 430260.0, 4586210.0, 9500),
    ("37", "el Carmel", "07", 429350.0, 4585960.0, 31800),
    ("38", "la Teixonera", "07", 428660.0, 4586080.0, 11400),
    ("39", "Sant Genís dels Agudells", "07", 427340.0, 4586390.0, 6900),
    ("40", "Montbau", "07", 427980.0, 4587380.0, 5100),
    ("41", "la Vall d'Hebron", "07", 428860.0, 4586930.0, 5500),
    ("42", "la Clota", "07", 429290.0, 4586700.0, 500),
    ("43", "Horta", "07", 429450.0, 4587720.0, 26700),
    ("44", "Vilapicina i la Torre Llobeta", "08", 430990.0, 4586620.0, 25600),
    ("45", "Porta", "08", 431330.0, 4587390.0, 24600),
    ("46", "el Turó de la Peira", "08", 430510.0, 4587140.0, 15600),
    ("47", "Can Peguera", "08", 430360.0, 4587380.0, 2300),
    ("48", "la Guineueta", "08", 430540.0, 4587830.0, 15100),
    ("49", "Canyelles", "08", 430110.0, 4588520.0, 7000),
    ("50", "les Roquetes", "08", 431080.0, 4588920.0, 15600),
    ("51", "Verdun", "08", 431100.0, 4588210.0, 12300),
    ("52", "la Prosperitat", "08", 431690.0, 4588230.0, 26300),
    ("53", "la Trinitat Nova", "08", 431960.0, 4589210.0, 7500),
    ("54", "Torre Baró", "08", 431060.0, 4589520.0, 2700),
    ("55", "Ciutat Meridiana", "08", 431210.0, 4590320.0, 10300),
    ("56", "Vallbona", "08", 431870.0, 4590420.0, 1300),
    ("57", "la Trinitat Vella", "09", 432490.0, 4589510.0, 10300),
    ("58", "Baró de Viver", "09", 433090.0, 4588580.0, 2500),
    ("59", "el Bon Pastor", "09", 433310.0, 4587550.0, 12800),
    ("60", "Sant Andreu", "09", 432280.0, 4587630.0, 56800),
    ("61", "la Sagrera", "09", 432320.0, 4585910.0, 29100),
    ("62", "el Congrés i els Indians", "09", 431550.0, 4586140.0, 14200),
    ("63", "Navas", "09", 431900.0, 4585500.0, 22100),
    ("64", "el Camp de l'Arpa del Clot", "10", 431640.0, 4584680.0, 38400),
    ("65", "el Clot", "10", 432420.0, 4584600.0, 27200),
    ("66", "el Parc i la Llacuna del Poblenou", "10", 432330.0, 4583290.0, 15000),
    ("67", "la Vila Olímpica del Poblenou", "10", 432740.0, 4582350.0, 9400),
    ("68", "el Poblenou", "10", 433250.0, 4583410.0, 33600),
    ("69", "Diagonal Mar i el Front Marítim del Poblenou", "10", 434260.0, 4583820.0, 13400),
    ("70", "el Besòs i el Maresme", "10", 434530.0, 4584840.0, 23300),
    ("71", "Provençals del Poblenou", "10", 433550.0, 4584830.0, 20300),
    ("72", "Sant Martí de Provençals", "10", 433060.0, 4585330.0, 26200),
    ("73", "la Verneda i la Pau", "10", 433420.0, 4586090.0, 29000),
)

# Coarse exterior ring of the city (counter-clockwise, not closed: the first vertex is not
# repeated at the end). Every neighbourhood centre lies inside it, at least 90 m from the edge.
CITY_OUTLINE_25831: tuple[tuple[float, float], ...] = (
    (432120.0, 4591000.0),
    (431420.0, 4591060.0),
    (431580.0, 4590700.0),
    (430460.0, 4590230.0),
    (430180.0, 4589030.0),
    (428870.0, 4588700.0),
    (427720.0, 4588800.0),
    (426570.0, 4586400.0),
    (425070.0, 4586670.0),
    (424480.0, 4587250.0),
    (423810.0, 4586690.0),
    (422730.0, 4587240.0),
    (422560.0, 4587640.0),
    (422390.0, 4587470.0),
    (422850.0, 4586760.0),
    (422510.0, 4586360.0),
    (423170.0, 4586280.0),
    (422740.0, 4586020.0),
    (423090.0, 4585320.0),
    (422450.0, 4584790.0),
    (422450.0, 4583960.0),
    (422980.0, 4583920.0),
    (423560.0, 4584640.0),
    (424830.0, 4584480.0),
    (425090.0, 4583910.0),
    (424580.0, 4582880.0),
    (425030.0, 4581840.0),
    (424910.0, 4581480.0),
    (425520.0, 4580870.0),
    (426540.0, 4581090.0),
    (427690.0, 4579330.0),
    (427400.0, 4578610.0),
    (427840.0, 4577830.0),
    (424740.0, 4576450.0),
    (426260.0, 4574960.0),
    (428850.0, 4574710.0),
    (429200.0, 4575480.0),
    (429640.0, 4575420.0),
    (430240.0, 4576980.0),
    (429460.0, 4577100.0),
    (428760.0, 4575740.0),
    (428400.0, 4576270.0),
    (428840.0, 4576480.0),
    (428970.0, 4577570.0),
    (429160.0, 4577150.0),
    (430010.0, 4577800.0),
    (430300.0, 4577630.0),
    (430830.0, 4578660.0),
    (430650.0, 4579080.0),
    (431030.0, 4578900.0),
    (430870.0, 4579280.0),
    (431480.0, 4579690.0),
    (431130.0, 4579840.0),
    (431180.0, 4580400.0),
    (431600.0, 4580200.0),
    (431260.0, 4580620.0),
    (431630.0, 4581210.0),
    (431680.0, 4580640.0),
    (431820.0, 4581340.0),
    (432040.0, 4580990.0),
    (431780.0, 4580480.0),
    (431840.0, 4580450.0),
    (431900.0, 4580440.0),
    (431990.0, 4580690.0),
    (432060.0, 4580500.0),
    (431830.0, 4579630.0),
    (431970.0, 4579490.0),
    (432200.0, 4579780.0),
    (431860.0, 4578790.0),
    (432970.0, 4582020.0),
    (433340.0, 4581980.0),
    (433090.0, 4581620.0),
    (433420.0, 4582070.0),
    (433290.0, 4582340.0),
    (435480.0, 4584450.0),
    (435260.0, 4584260.0),
    (435410.0, 4584600.0),
    (433660.0, 4586310.0),
    (433680.0, 4587050.0),
    (434060.0, 4587170.0),
    (433830.0, 4588040.0),
    (432260.0, 4590060.0),
)

# (public name, neighbourhood code, x, y) of the Centres de Serveis Socials, one row per
# equipment (deduplicated on the equipment code; a record without a location is left out).
# Sorted by neighbourhood code.
SOCIAL_SERVICES_CENTRES: tuple[tuple[str, str, float, float], ...] = (
    ("Centre de Serveis Socials Raval Nord", "01", 430310.0, 4581260.0),
    ("Centre de Serveis Socials Gòtic", "02", 431410.0, 4581450.0),
    ("Centre de Serveis Socials Barceloneta", "03", 432130.0, 4581510.0),
    ("Centre de Serveis Socials del Casc Antic", "04", 431600.0, 4582210.0),
    ("Centre de Serveis Socials Fort Pienc", "05", 431470.0, 4582810.0),
    ("Centre de Serveis Socials Sagrada Família", "06", 431230.0, 4584050.0),
    ("Centre de Serveis Socials Sant Antoni", "10", 429700.0, 4580910.0),
    ("Centre de Serveis Socials Poble-sec", "11", 430340.0, 4580590.0),
    ("Centre de Serveis Socials de La Marina", "13", 427890.0, 4579190.0),
    ("Centre de Serveis Socials Cotxeres de Sants", "18", 427800.0, 4580770.0),
    ("Centre de Serveis Socials Les Corts", "19", 427380.0, 4581750.0),
    ("Centre de Serveis Socials Sarrià", "23", 426650.0, 4583450.0),
    ("Centre de Serveis Socials de Vila de Gràcia", "31", 429610.0, 4583500.0),
    ("Centre de Serveis Socials del Guinardó", "35", 430880.0, 4585320.0),
    ("Centre de Serveis Socials Carmel", "37", 429070.0, 4585760.0),
    ("Centre de Serveis Socials Horta", "43", 430000.0, 4586870.0),
    ("Centre de Serveis Socials Guineueta-Verdun-Prosperitat", "52", 431570.0, 4588140.0),
    ("Centre de Serveis Socials Franja Besòs", "59", 433560.0, 4587370.0),
    ("Centre de Serveis Socials Sant Andreu", "60", 432500.0, 4587600.0),
    ("Centre de Serveis Socials Garcilaso", "61", 432000.0, 4585990.0),
    ("Centre de Serveis Socials Clot-Camp de l'Arpa", "65", 432000.0, 4584280.0),
    ("Centre de Serveis Socials Poblenou", "68", 433170.0, 4583880.0),
    ("Centre de Serveis Socials Besòs", "70", 434130.0, 4585300.0),
    ("Centre de Serveis Socials Sant Martí-Verneda", "72", 433060.0, 4585200.0),
)


def city_outline() -> shapely.Polygon:
    """Return the approximate outline of Barcelona.

    Returns
    -------
    shapely.Polygon
        Polygon built from ``CITY_OUTLINE_25831`` (EPSG:25831).
    """
    return shapely.Polygon(CITY_OUTLINE_25831)


def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Return the valid, polygonal part of ``geom`` (collapsed lines and points dropped)."""
    return shapely.make_valid(geom, method="structure", keep_collapsed=False)


def neighbourhood_cells() -> gpd.GeoDataFrame:
    """Build the approximate neighbourhood boundaries.

    Each neighbourhood gets the Voronoi cell of its centre point, clipped to
    :func:`city_outline`. The cells tile the outline without gaps or overlaps. The result is
    deterministic: the same input always gives the same geometries, in code order.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per neighbourhood, in code order, with the columns ``code``, ``name``,
        ``district_code``, ``population`` and ``geometry`` (polygons in EPSG:25831).
    """
    import geopandas as gpd

    outline = city_outline()
    points = shapely.points([(x, y) for _c, _n, _d, x, y, _p in NEIGHBOURHOODS])
    voronoi = shapely.voronoi_polygons(shapely.multipoints(points), extend_to=outline, ordered=True)
    cells = list(shapely.get_parts(voronoi))
    # ``ordered=True`` keeps the input order; check it rather than trust it.
    if len(cells) != len(points) or not all(shapely.contains(cells, points)):
        raise RuntimeError("Voronoi cells do not match the neighbourhood centres.")
    clipped = [_polygonal(shapely.intersection(cell, outline)) for cell in cells]
    return gpd.GeoDataFrame(
        {
            "code": [row[0] for row in NEIGHBOURHOODS],
            "name": [row[1] for row in NEIGHBOURHOODS],
            "district_code": [row[2] for row in NEIGHBOURHOODS],
            "population": [row[5] for row in NEIGHBOURHOODS],
        },
        geometry=clipped,
        crs=CRS,
    )


def district_shapes() -> gpd.GeoDataFrame:
    """Build the approximate district boundaries.

    Each district is the union of the cells of its neighbourhoods
    (see :func:`neighbourhood_cells`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per district, in code order, with the columns ``code``, ``name`` and
        ``geometry`` (polygons in EPSG:25831).
    """
    import geopandas as gpd

    cells = neighbourhood_cells()
    geometries = [
        _polygonal(shapely.union_all(cells.geometry[cells.district_code == code].to_numpy()))
        for code, _name in DISTRICTS
    ]
    return gpd.GeoDataFrame(
        {"code": [code for code, _ in DISTRICTS], "name": [name for _, name in DISTRICTS]},
        geometry=geometries,
        crs=CRS,
    )
