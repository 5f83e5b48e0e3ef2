//! A generator of large, realistic catalogs for benchmarks.
//!
//! Da Nang offers over two thousand procedures online and the national catalog lists many
//! more; the search must stay fast at 10,000. The names combine real administrative verbs,
//! objects and qualifiers in Vietnamese, English and Indonesian, so the index holds a realistic
//! vocabulary with the heavy word overlap (`cấp`, `giấy phép`, `giấy chứng nhận`) that makes
//! ranking and prefix look-ups work hard.

use opendvc_api::{
    DeliveryOptions, FeeCase, FieldKind, FormField, LocalizedText, OnlineLevel, Procedure,
    ProcessingDays, RequiredDocument,
};

/// (Vietnamese, English, Indonesian).
type Phrase = (&'static str, &'static str, &'static str);

const VERBS: &[Phrase] = &[
    ("Cấp", "Issue of", "Penerbitan"),
    ("Cấp lại", "Reissue of", "Penerbitan ulang"),
    ("Cấp đổi", "Exchange of", "Penggantian"),
    ("Gia hạn", "Extension of", "Perpanjangan"),
    ("Điều chỉnh", "Amendment of", "Perubahan"),
    ("Thu hồi", "Revocation of", "Pencabutan"),
    ("Xác nhận", "Confirmation of", "Konfirmasi"),
    ("Đăng ký", "Registration of", "Pendaftaran"),
    ("Công nhận", "Recognition of", "Pengakuan"),
    (
        "Thẩm định hồ sơ",
        "Appraisal of the file for",
        "Penilaian berkas",
    ),
    ("Chấp thuận", "Approval of", "Persetujuan"),
    (
        "Đăng ký thay đổi nội dung",
        "Registration of changes to",
        "Pendaftaran perubahan",
    ),
    ("Cấp bản sao", "Copy of", "Salinan"),
    ("Hủy bỏ", "Cancellation of", "Pembatalan"),
    ("Tạm ngừng", "Suspension of", "Penangguhan"),
];

/// (name, sector, agency index into [`AGENCIES`]).
const OBJECTS: &[(Phrase, &str, usize)] = &[
    (
        (
            "giấy phép kinh doanh karaoke",
            "karaoke business licence",
            "izin usaha karaoke",
        ),
        "culture",
        0,
    ),
    (
        (
            "giấy phép tổ chức biểu diễn nghệ thuật",
            "performing arts permit",
            "izin pertunjukan seni",
        ),
        "culture",
        0,
    ),
    (
        (
            "giấy phép tổ chức lễ hội",
            "festival permit",
            "izin penyelenggaraan festival",
        ),
        "culture",
        0,
    ),
    (
        (
            "giấy phép quảng cáo ngoài trời",
            "outdoor advertising permit",
            "izin reklame luar ruang",
        ),
        "culture",
        0,
    ),
    (
        (
            "giấy phép kinh doanh dịch vụ lữ hành nội địa",
            "domestic travel agency licence",
            "izin usaha biro perjalanan domestik",
        ),
        "tourism",
        1,
    ),
    (
        (
            "giấy chứng nhận cơ sở lưu trú du lịch",
            "tourist accommodation certificate",
            "sertifikat akomodasi wisata",
        ),
        "tourism",
        1,
    ),
    (
        (
            "thẻ hướng dẫn viên du lịch",
            "tour guide card",
            "kartu pemandu wisata",
        ),
        "tourism",
        1,
    ),
    (
        (
            "chứng chỉ hành nghề kiến trúc",
            "architect practice certificate",
            "sertifikat praktik arsitek",
        ),
        "construction",
        2,
    ),
    (
        (
            "chứng chỉ năng lực hoạt động xây dựng",
            "construction capacity certificate",
            "sertifikat kemampuan konstruksi",
        ),
        "construction",
        2,
    ),
    (
        (
            "giấy phép di dời công trình",
            "building relocation permit",
            "izin pemindahan bangunan",
        ),
        "construction",
        2,
    ),
    (
        (
            "giấy chứng nhận quyền sở hữu công trình",
            "building ownership certificate",
            "sertifikat kepemilikan bangunan",
        ),
        "construction",
        2,
    ),
    (
        (
            "giấy phép môi trường",
            "environmental permit",
            "izin lingkungan",
        ),
        "environment",
        3,
    ),
    (
        (
            "giấy phép khai thác nước mặt",
            "surface water extraction permit",
            "izin pengambilan air permukaan",
        ),
        "environment",
        3,
    ),
    (
        (
            "giấy phép xả thải vào nguồn nước",
            "wastewater discharge permit",
            "izin pembuangan air limbah",
        ),
        "environment",
        3,
    ),
    (
        (
            "giấy phép hoạt động đo đạc và bản đồ",
            "surveying and mapping licence",
            "izin survei dan pemetaan",
        ),
        "environment",
        3,
    ),
    (
        (
            "giấy phép hoạt động cơ sở khám bệnh, chữa bệnh",
            "medical facility operating licence",
            "izin operasional fasilitas kesehatan",
        ),
        "health",
        4,
    ),
    (
        (
            "chứng chỉ hành nghề khám bệnh, chữa bệnh",
            "medical practice certificate",
            "sertifikat praktik medis",
        ),
        "health",
        4,
    ),
    (
        (
            "giấy chứng nhận đủ điều kiện kinh doanh dược",
            "pharmaceutical business certificate",
            "sertifikat usaha farmasi",
        ),
        "health",
        4,
    ),
    (
        (
            "giấy chứng nhận cơ sở đủ điều kiện sản xuất mỹ phẩm",
            "cosmetics production certificate",
            "sertifikat produksi kosmetik",
        ),
        "health",
        4,
    ),
    (
        (
            "giấy phép thành lập trường mầm non tư thục",
            "private kindergarten licence",
            "izin pendirian taman kanak-kanak swasta",
        ),
        "education",
        5,
    ),
    (
        (
            "giấy phép hoạt động trung tâm ngoại ngữ",
            "foreign language centre licence",
            "izin lembaga kursus bahasa asing",
        ),
        "education",
        5,
    ),
    (
        (
            "giấy phép tổ chức dạy thêm, học thêm",
            "extra tutoring licence",
            "izin les tambahan",
        ),
        "education",
        5,
    ),
    (
        (
            "văn bằng, chứng chỉ giáo dục",
            "education diploma or certificate",
            "ijazah atau sertifikat pendidikan",
        ),
        "education",
        5,
    ),
    (
        (
            "giấy chứng nhận đăng ký hợp tác xã",
            "cooperative registration certificate",
            "sertifikat pendaftaran koperasi",
        ),
        "business",
        6,
    ),
    (
        (
            "giấy chứng nhận đăng ký doanh nghiệp",
            "enterprise registration certificate",
            "sertifikat pendaftaran perusahaan",
        ),
        "business",
        6,
    ),
    (
        (
            "giấy chứng nhận đăng ký địa điểm kinh doanh",
            "business location registration",
            "pendaftaran lokasi usaha",
        ),
        "business",
        6,
    ),
    (
        (
            "giấy phép bán lẻ sản phẩm thuốc lá",
            "tobacco retail licence",
            "izin eceran produk tembakau",
        ),
        "trade",
        7,
    ),
    (
        (
            "giấy chứng nhận cửa hàng đủ điều kiện bán lẻ xăng dầu",
            "fuel retail certificate",
            "sertifikat pengecer bahan bakar",
        ),
        "trade",
        7,
    ),
    (
        (
            "giấy phép sản xuất rượu thủ công",
            "craft liquor production licence",
            "izin produksi minuman beralkohol tradisional",
        ),
        "trade",
        7,
    ),
    (
        (
            "giấy phép hoạt động điện lực",
            "electricity operation licence",
            "izin usaha ketenagalistrikan",
        ),
        "trade",
        7,
    ),
    (
        (
            "giấy phép vận chuyển hàng nguy hiểm",
            "dangerous goods transport permit",
            "izin pengangkutan barang berbahaya",
        ),
        "transport",
        8,
    ),
    (
        (
            "giấy phép thi công trên đường bộ đang khai thác",
            "roadworks permit",
            "izin pekerjaan jalan",
        ),
        "transport",
        8,
    ),
    (
        (
            "giấy phép lưu hành xe quá tải trọng",
            "overweight vehicle permit",
            "izin kendaraan kelebihan muatan",
        ),
        "transport",
        8,
    ),
    (
        (
            "phù hiệu xe kinh doanh vận tải",
            "transport business vehicle badge",
            "lencana kendaraan angkutan usaha",
        ),
        "transport",
        8,
    ),
    (
        (
            "giấy chứng nhận kiểm dịch động vật",
            "animal quarantine certificate",
            "sertifikat karantina hewan",
        ),
        "agriculture",
        9,
    ),
    (
        (
            "giấy phép khai thác thủy sản",
            "fishing licence",
            "izin penangkapan ikan",
        ),
        "agriculture",
        9,
    ),
    (
        (
            "giấy chứng nhận an toàn kỹ thuật tàu cá",
            "fishing vessel safety certificate",
            "sertifikat keselamatan kapal ikan",
        ),
        "agriculture",
        9,
    ),
    (
        (
            "giấy chứng nhận cơ sở nuôi trồng thủy sản",
            "aquaculture facility certificate",
            "sertifikat budidaya perikanan",
        ),
        "agriculture",
        9,
    ),
    (
        (
            "giấy phép cho thuê lại lao động",
            "labour subleasing licence",
            "izin alih daya tenaga kerja",
        ),
        "labour",
        10,
    ),
    (
        (
            "chế độ trợ cấp đối với người có công",
            "allowance for people with meritorious services",
            "tunjangan bagi orang berjasa",
        ),
        "labour",
        10,
    ),
    (
        (
            "giấy phép thành lập quỹ xã hội, quỹ từ thiện",
            "social or charity fund licence",
            "izin pendirian yayasan sosial",
        ),
        "home_affairs",
        10,
    ),
    (
        (
            "giấy chứng nhận đủ điều kiện kinh doanh dịch vụ bảo vệ",
            "security services certificate",
            "sertifikat jasa keamanan",
        ),
        "security",
        11,
    ),
];

const QUALIFIERS: &[Phrase] = &[
    ("", "", ""),
    ("cho tổ chức", "for organisations", "untuk organisasi"),
    ("cho cá nhân", "for individuals", "untuk perorangan"),
    (
        "do bị mất, hư hỏng",
        "after loss or damage",
        "karena hilang atau rusak",
    ),
    (
        "có yếu tố nước ngoài",
        "with a foreign element",
        "dengan unsur asing",
    ),
    (
        "trong khu công nghiệp",
        "in industrial zones",
        "di kawasan industri",
    ),
    ("cấp thành phố", "at city level", "tingkat kota"),
    ("cấp xã", "at commune level", "tingkat kelurahan"),
    (
        "đối với doanh nghiệp nhỏ và vừa",
        "for small and medium enterprises",
        "untuk usaha kecil dan menengah",
    ),
    (
        "theo thủ tục rút gọn",
        "by the short procedure",
        "dengan prosedur singkat",
    ),
    (
        "khi thay đổi địa giới hành chính",
        "after an administrative boundary change",
        "setelah perubahan batas wilayah",
    ),
];

const AGENCIES: &[Phrase] = &[
    (
        "Sở Văn hóa và Thể thao",
        "Department of Culture and Sports",
        "Dinas Kebudayaan dan Olahraga",
    ),
    ("Sở Du lịch", "Department of Tourism", "Dinas Pariwisata"),
    (
        "Sở Xây dựng",
        "Department of Construction",
        "Dinas Konstruksi",
    ),
    (
        "Sở Nông nghiệp và Môi trường",
        "Department of Agriculture and Environment",
        "Dinas Pertanian dan Lingkungan",
    ),
    ("Sở Y tế", "Department of Health", "Dinas Kesehatan"),
    (
        "Sở Giáo dục và Đào tạo",
        "Department of Education and Training",
        "Dinas Pendidikan dan Pelatihan",
    ),
    ("Sở Tài chính", "Department of Finance", "Dinas Keuangan"),
    (
        "Sở Công Thương",
        "Department of Industry and Trade",
        "Dinas Perindustrian dan Perdagangan",
    ),
    (
        "Sở Xây dựng (giao thông)",
        "Department of Construction (transport)",
        "Dinas Konstruksi (perhubungan)",
    ),
    (
        "Chi cục Chăn nuôi, Thú y và Thủy sản",
        "Livestock, Veterinary and Fisheries Office",
        "Kantor Peternakan, Kesehatan Hewan dan Perikanan",
    ),
    (
        "Sở Nội vụ",
        "Department of Home Affairs",
        "Dinas Dalam Negeri",
    ),
    (
        "Công an thành phố Đà Nẵng",
        "Da Nang City Police",
        "Kepolisian Kota Da Nang",
    ),
];

/// Commune-level people's committee, the second tier that many procedures also sit at.
const COMMUNE_AGENCY: Phrase = (
    "Ủy ban nhân dân cấp xã",
    "Commune People's Committee",
    "Komite Rakyat tingkat kelurahan",
);

/// A small, fast generator whose output depends only on the seed, in every build: benchmark
/// catalogs must be the same from run to run and from one dependency version to the next,
/// which general-purpose random generators do not promise (SplitMix64, Steele et al. 2014).
#[derive(Debug)]
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..bound` (`bound` > 0).
    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound as u64) as usize
    }
}

/// `count` procedures with ids `generated-00001`…, deterministic by `seed`. Names are distinct
/// as long as `count` stays under the number of combinations (about 14,000); past that they
/// repeat under new ids.
pub fn generate_catalog(count: usize, seed: u64) -> Vec<Procedure> {
    let mut rng = SplitMix64(seed);
    let combinations = VERBS.len() * OBJECTS.len() * QUALIFIERS.len() * 2;
    let mut order: Vec<usize> = (0..combinations).collect();
    for index in (1..order.len()).rev() {
        let other = rng.below(index + 1);
        order.swap(index, other);
    }
    (0..count)
        .map(|number| {
            let mut combination = order[number % combinations];
            let verb = VERBS[combination % VERBS.len()];
            combination /= VERBS.len();
            let (object, sector, agency_index) = OBJECTS[combination % OBJECTS.len()];
            combination /= OBJECTS.len();
            let qualifier = QUALIFIERS[combination % QUALIFIERS.len()];
            combination /= QUALIFIERS.len();
            let agency = if combination == 0 {
                AGENCIES[agency_index]
            } else {
                COMMUNE_AGENCY
            };
            generated_procedure(
                number + 1,
                verb,
                object,
                qualifier,
                agency,
                sector,
                &mut rng,
            )
        })
        .collect()
}

/// A slug of the agency's English name, as a catalog's `agencyId`.
fn agency_id(agency: Phrase) -> String {
    agency
        .1
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_ascii_lowercase)
        .collect::<Vec<_>>()
        .join("-")
}

fn generated_procedure(
    number: usize,
    verb: Phrase,
    object: Phrase,
    qualifier: Phrase,
    agency: Phrase,
    sector: &str,
    rng: &mut SplitMix64,
) -> Procedure {
    let join = |parts: [&str; 3]| {
        parts
            .iter()
            .filter(|part| !part.is_empty())
            .copied()
            .collect::<Vec<_>>()
            .join(" ")
    };
    let in_person = 1 + rng.below(30) as u32;
    let amount = 10_000 * rng.below(50) as u64;
    let post = rng.below(3) > 0;
    Procedure {
        id: format!("generated-{number:05}"),
        code: format!("{}.{:06}", 1 + rng.below(2), rng.below(1_000_000)),
        name: LocalizedText {
            vi: join([verb.0, object.0, qualifier.0]),
            en: join([verb.1, "the", object.1]) + &suffix(qualifier.1),
            id: Some(join([verb.2, object.2, qualifier.2])),
        },
        agency: text(agency),
        agency_id: agency_id(agency),
        sector: sector.to_owned(),
        online_level: if rng.below(2) == 0 {
            OnlineLevel::Full
        } else {
            OnlineLevel::Partial
        },
        fee_cases: vec![FeeCase {
            id: "fee".to_owned(),
            label: text(("Lệ phí", "Fee", "Biaya")),
            amount,
            online_amount: (amount > 0).then_some(amount / 2),
            illustrative: true,
        }],
        fee_case_field: None,
        fee_add_ons: Vec::new(),
        fee_per_unit: None,
        fee_exemptions: Vec::new(),
        pay_before_processing: false,
        processing_days: ProcessingDays {
            in_person,
            online: in_person.div_ceil(2),
        },
        required_documents: vec![RequiredDocument {
            id: "application-form".to_owned(),
            name: text(("Tờ khai đề nghị", "Application form", "Formulir permohonan")),
            required: true,
            wallet_kind: None,
        }],
        form_fields: vec![FormField {
            id: "applicantName".to_owned(),
            label: text((
                "Họ và tên người nộp",
                "Applicant's full name",
                "Nama lengkap pemohon",
            )),
            kind: FieldKind::Text,
            required: true,
            options: Vec::new(),
            prefill: Some("profile.fullName".to_owned()),
            max_length: Some(100),
        }],
        delivery: DeliveryOptions {
            counter: true,
            post,
            postage: Vec::new(),
            postage_subsidy: None,
            post_items_field: None,
        },
        keywords: Vec::new(),
    }
}

fn suffix(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(" {text}")
    }
}

fn text(phrase: Phrase) -> LocalizedText {
    LocalizedText {
        vi: phrase.0.to_owned(),
        en: phrase.1.to_owned(),
        id: Some(phrase.2.to_owned()),
    }
}
