-- Reference data: industry sectors, the regions of Kazakhstan and the
-- technological competence centres. Moderators may edit them later.

INSERT INTO sectors (code, position, name_kk, name_ru, name_en) VALUES
('agro',          1,  'Агроөнеркәсіптік кешен',            'Агропромышленный комплекс',            'Agro-industrial complex'),
('mining',        2,  'Тау-кен және металлургия',          'Горно-металлургический комплекс',      'Mining and metallurgy'),
('oil_gas',       3,  'Мұнай, газ және мұнай-химия',       'Нефть, газ и нефтехимия',              'Oil, gas and petrochemicals'),
('energy',        4,  'Энергетика және ЖЭК',               'Энергетика и ВИЭ',                     'Energy and renewables'),
('manufacturing', 5,  'Өңдеу өнеркәсібі және машина жасау', 'Обрабатывающая промышленность и машиностроение', 'Manufacturing and machine-building'),
('chemicals',     6,  'Химия өнеркәсібі',                  'Химическая промышленность',            'Chemicals'),
('construction',  7,  'Құрылыс және құрылыс материалдары', 'Строительство и стройматериалы',       'Construction and building materials'),
('transport',     8,  'Көлік және логистика',              'Транспорт и логистика',                'Transport and logistics'),
('ict',           9,  'АКТ және цифрландыру',              'ИКТ и цифровизация',                   'ICT and digitalisation'),
('health',        10, 'Денсаулық сақтау және фармацевтика', 'Здравоохранение и фармацевтика',      'Healthcare and pharmaceuticals'),
('ecology',       11, 'Экология және су ресурстары',       'Экология и водные ресурсы',            'Ecology and water'),
('tourism',       12, 'Туризм',                            'Туризм',                               'Tourism'),
('education',     13, 'Білім беру және дағдылар',          'Образование и навыки',                 'Education and skills'),
('trade',         14, 'Сауда және қызмет көрсету',         'Торговля и услуги',                    'Trade and services');

INSERT INTO regions (code, position, name_kk, name_ru, name_en) VALUES
('astana',          1,  'Астана қаласы',                 'г. Астана',                        'Astana city'),
('almaty_city',     2,  'Алматы қаласы',                 'г. Алматы',                        'Almaty city'),
('shymkent',        3,  'Шымкент қаласы',                'г. Шымкент',                       'Shymkent city'),
('abai',            4,  'Абай облысы',                   'Абайская область',                 'Abai Region'),
('akmola',          5,  'Ақмола облысы',                 'Акмолинская область',              'Akmola Region'),
('aktobe',          6,  'Ақтөбе облысы',                 'Актюбинская область',              'Aktobe Region'),
('almaty_region',   7,  'Алматы облысы',                 'Алматинская область',              'Almaty Region'),
('atyrau',          8,  'Атырау облысы',                 'Атырауская область',               'Atyrau Region'),
('east_kz',         9,  'Шығыс Қазақстан облысы',        'Восточно-Казахстанская область',   'East Kazakhstan Region'),
('jambyl',          10, 'Жамбыл облысы',                 'Жамбылская область',               'Jambyl Region'),
('jetisu',          11, 'Жетісу облысы',                 'Жетысуская область',               'Jetisu Region'),
('west_kz',         12, 'Батыс Қазақстан облысы',        'Западно-Казахстанская область',    'West Kazakhstan Region'),
('karaganda',       13, 'Қарағанды облысы',              'Карагандинская область',           'Karaganda Region'),
('kostanay',        14, 'Қостанай облысы',               'Костанайская область',             'Kostanay Region'),
('kyzylorda',       15, 'Қызылорда облысы',              'Кызылординская область',           'Kyzylorda Region'),
('mangystau',       16, 'Маңғыстау облысы',              'Мангистауская область',            'Mangystau Region'),
('pavlodar',        17, 'Павлодар облысы',               'Павлодарская область',             'Pavlodar Region'),
('north_kz',        18, 'Солтүстік Қазақстан облысы',    'Северо-Казахстанская область',     'North Kazakhstan Region'),
('turkistan',       19, 'Түркістан облысы',              'Туркестанская область',            'Turkistan Region'),
('ulytau',          20, 'Ұлытау облысы',                 'Улытауская область',               'Ulytau Region');

INSERT INTO centres (code, name_kk, name_ru, name_en) VALUES
('agrotech',   'Агроөнеркәсіптік технологиялар құзыреттілік орталығы', 'Центр компетенций агропромышленных технологий', 'Agro-industrial technologies competence centre'),
('mining',     'Тау-кен металлургия құзыреттілік орталығы',             'Центр компетенций горно-металлургического комплекса', 'Mining and metallurgy competence centre'),
('oil_chem',   'Мұнай-газ және химия құзыреттілік орталығы',            'Центр компетенций нефтегазовой и химической отрасли', 'Oil, gas and chemicals competence centre'),
('energy_eco', 'Энергетика және экология құзыреттілік орталығы',        'Центр компетенций энергетики и экологии',       'Energy and ecology competence centre'),
('industry',   'Индустрия және құрылыс құзыреттілік орталығы',          'Центр компетенций индустрии и строительства',   'Industry and construction competence centre'),
('logistics',  'Көлік, логистика және сауда құзыреттілік орталығы',     'Центр компетенций транспорта, логистики и торговли', 'Transport, logistics and trade competence centre'),
('digital',    'Цифрлық технологиялар және білім құзыреттілік орталығы', 'Центр компетенций цифровых технологий и образования', 'Digital technologies and education competence centre'),
('health',     'Денсаулық сақтау құзыреттілік орталығы',                'Центр компетенций здравоохранения',             'Healthcare competence centre'),
('tourism',    'Туризм және қызмет көрсету құзыреттілік орталығы',      'Центр компетенций туризма и сферы услуг',       'Tourism and services competence centre');

INSERT INTO centre_sectors (centre_id, sector_id)
SELECT c.id, s.id FROM (VALUES
    ('agrotech', 'agro'),
    ('mining', 'mining'),
    ('oil_chem', 'oil_gas'), ('oil_chem', 'chemicals'),
    ('energy_eco', 'energy'), ('energy_eco', 'ecology'),
    ('industry', 'manufacturing'), ('industry', 'construction'),
    ('logistics', 'transport'), ('logistics', 'trade'),
    ('digital', 'ict'), ('digital', 'education'),
    ('health', 'health'),
    ('tourism', 'tourism'), ('tourism', 'trade')
) AS m (centre, sector)
JOIN centres c ON c.code = m.centre
JOIN sectors s ON s.code = m.sector;
