pub mod catalog_search;
